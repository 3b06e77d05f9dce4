package com.piam.cdc.load;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real load-access-events route (its YAML): a live row goes in a batch of MAX_BATCH_EVENTS, and rows that piled up
 * while the writer was busy go in batches of up to CATCH_UP_BATCH_ROWS, none lost, none doubled.
 */
class CatchUpBatchingTest extends CamelMainTestSupport {

    /** Stands in for ClickHouse: the first batch waits until the test lets it go (a slow insert). */
    public static class SlowFirstInsert {
        /** Each batch's size and what completed it: "size", or "interval" (FLUSH_INTERVAL_SECONDS may cut any batch short). */
        final List<Batch> batches = new CopyOnWriteArrayList<>();
        final List<Object> rows = new CopyOnWriteArrayList<>();
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        public void loadAccessEvents(Exchange exchange) throws InterruptedException {
            LoadBatch batch = exchange.getMessage().getBody(LoadBatch.class);
            if (batches.isEmpty()) {
                writing.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            batch.changes().forEach(c -> rows.add(c.row()));
            batches.add(new Batch(batch.size(), exchange.getProperty(ExchangePropertyKey.AGGREGATED_COMPLETED_BY, String.class)));
        }

        public void loadConnectorHealth(Exchange exchange) {
        }
    }

    record Batch(int size, String completedBy) {
        boolean bySize() {
            return "size".equals(completedBy);
        }
    }

    final SlowFirstInsert clickHouse = new SlowFirstInsert();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.put("MAX_BATCH_EVENTS", "5");
        p.put("FLUSH_INTERVAL_SECONDS", "1");
        p.put("camel.main.routes-include-pattern", "classpath:routes/load-*.camel.yaml");
        return p;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        LoadRouteBeans.bind(context, registry, clickHouse, 5, 20);
    }

    @Test
    void rowsThatPiledUpBehindASlowInsertGoInLargerBatches() throws Exception {
        for (int i = 0; i < 5; i++) {
            template.sendBody("seda:access-events?size=5000", "row-" + i);
        }
        assertThat(clickHouse.writing.await(5, TimeUnit.SECONDS)).as("the first batch is being written").isTrue();
        for (int i = 5; i < 105; i++) {
            template.sendBody("seda:access-events?size=5000", "row-" + i);
        }
        // one batch waits for the writer, the aggregator waits to hand over the next: the rest piles up in the buffer
        Thread.sleep(300);
        clickHouse.release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> clickHouse.rows.size() >= 105);

        List<Batch> batches = clickHouse.batches;
        // the flush interval runs on its own clock and may cut a batch short on a busy machine (CI saw a 19 and a 1);
        // the size rule never completes a batch below MAX_BATCH_EVENTS or above CATCH_UP_BATCH_ROWS
        if (batches.get(0).bySize()) {
            assertThat(batches.get(0).size()).as("5 rows and nothing waiting: a batch of MAX_BATCH_EVENTS").isEqualTo(5);
        }
        assertThat(batches).as("every batch completed by size or by the flush interval")
                .allSatisfy(b -> assertThat(b.completedBy()).isIn("size", "interval"));
        assertThat(batches).filteredOn(Batch::bySize).as("batches completed by size")
                .allSatisfy(b -> assertThat(b.size()).isBetween(5, 20));
        assertThat(batches).allSatisfy(b -> assertThat(b.size()).isBetween(1, 20));
        assertThat(batches).filteredOn(b -> b.bySize() && b.size() == 20)
                .as("at least 60 rows waited: batches of CATCH_UP_BATCH_ROWS").hasSizeGreaterThanOrEqualTo(3);
        assertThat(clickHouse.rows).hasSize(105).doesNotHaveDuplicates();
    }
}
