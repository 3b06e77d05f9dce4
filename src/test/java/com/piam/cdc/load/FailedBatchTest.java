package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.Delivery;
import com.piam.cdc.domain.PacsType;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.io.File;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A batch that fails unexpectedly (an Error such as running out of memory, not ClickHouse refusing it) lets go of
 * its rows so their source hands them over again: without that their Kafka offsets held the partition's commits
 * until a restart. Its room in the memory budget is given back.
 */
class FailedBatchTest {

    /** Counts how the loader let go of one row. */
    static final class Outcome implements Delivery {
        int loaded;
        int abandoned;

        @Override
        public void loaded() {
            loaded++;
        }

        @Override
        public void setAside(String reason) {
            throw new AssertionError("not expected: " + reason);
        }

        @Override
        public void abandoned() {
            abandoned++;
        }

        @Override
        public String where() {
            return "t/0@1";
        }

        @Override
        public long bytes() {
            return 100;
        }
    }

    @Test
    void anErrorDuringTheInsertAbandonsEveryRowOfTheBatch(@TempDir File dir) throws Exception {
        DataSource outOfMemory = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new OutOfMemoryError("Java heap space (test)");
                });
        LoadBudget budget = new LoadBudget(1024 * 1024, () -> false);
        FactLoader loader = new FactLoader(outOfMemory, "piam", () -> false, 1000, null, new RowsSetAside(),
                new DeadLetterFile(dir), budget);
        LoadBatch batch = new LoadBatch();
        List<Outcome> outcomes = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Outcome o = new Outcome();
            outcomes.add(o);
            AccessEvent e = new AccessEvent("e-" + i, "acme", Instant.parse("2026-11-23T10:15:30Z"), null, "B-1", "acme-hq",
                    "acme-hq-lobby", "IN", "GRANT", "ACCESS_GRANTED", null, "LENEL-101", PacsType.LENEL, "OG-7", null, false, null,
                    0f);
            batch.add(Change.created(e, 1000L).deliveredBy(o));
        }
        budget.acquire(batch.bytes());
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(batch);
            assertThatThrownBy(() -> loader.loadAccessEvents(exchange)).isInstanceOf(OutOfMemoryError.class);
        }
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.abandoned).as("abandoned").isEqualTo(1);
            assertThat(o.loaded).as("loaded").isZero();
        });
        assertThat(budget.usedBytes()).as("the batch's room is given back").isZero();
    }
}
