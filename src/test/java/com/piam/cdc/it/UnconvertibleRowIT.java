package com.piam.cdc.it;

import com.piam.cdc.Pools;
import com.piam.cdc.config.Login;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.PacsType;
import com.piam.cdc.load.DeadLetterFile;
import com.piam.cdc.load.FactLoader;
import com.piam.cdc.load.LoadBatchAggregation;
import com.piam.cdc.load.LoadBudget;
import com.piam.cdc.load.RowsSetAside;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A row our conversion to ClickHouse column values fails on (a value nobody foresaw; here an event without a
 * time, which the mapping never lets through) used to fail its whole batch's insert again and again. Real
 * ClickHouse: the rest of the batch is loaded, the row is set aside with the reason (direct mode: the
 * dead-letter file, the row kept as text).
 */
class UnconvertibleRowIT {

    private static AccessEvent event(String id, Instant time) {
        return new AccessEvent(id, "acme", time, null, "B-1", "acme-hq", "acme-hq-lobby", "IN", "GRANT", "ACCESS_GRANTED", null,
                "LENEL-101", PacsType.LENEL, "OG-7", null, false, null, 0f);
    }

    @Test
    void theRestOfTheBatchLoadsAndTheRowIsSetAside(@TempDir File dir) throws Exception {
        String prefix = "it-unconv-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RowsSetAside setAside = new RowsSetAside();
        LoadBudget budget = new LoadBudget(8L * 1024 * 1024, () -> false);
        try (HikariDataSource loaderPool = Pools.create("it-unconvertible", ClickHousePoolsIT.URL,
                new Login("piam_loader", StackLogins.password("CLICKHOUSE_PASSWORD")), 1);
             DefaultCamelContext context = new DefaultCamelContext()) {
            FactLoader loader = new FactLoader(loaderPool, "piam", () -> false, 1000, null, setAside, new DeadLetterFile(dir), budget);
            LoadBatchAggregation aggregation = new LoadBatchAggregation();
            Exchange batch = null;
            for (AccessEvent e : new AccessEvent[] {event(prefix + "0", Instant.now()), event(prefix + "bad", null),
                    event(prefix + "2", Instant.now())}) {
                Exchange row = new DefaultExchange(context);
                row.getMessage().setBody(e);
                batch = aggregation.aggregate(batch, row);
            }
            loader.loadAccessEvents(batch);
        }
        assertThat(ClickHouseQuery.column("SELECT event_id" + CurrentView.accessEventsWithPrefix(prefix)))
                .containsExactlyInAnyOrder(prefix + "0", prefix + "2");
        RowsSetAside.Recent recent = setAside.recent("piam.fact_access_events", 60_000);
        assertThat(recent.count()).isEqualTo(1);
        assertThat(recent.newestReason()).startsWith("event_id=" + prefix + "bad: could not be converted for piam.fact_access_events: "
                + "NullPointerException");
        File letters = new File(dir, "dead-letters/piam.fact_access_events.jsonl");
        assertThat(Files.readString(letters.toPath())).contains(prefix + "bad", "could not be converted");
    }
}
