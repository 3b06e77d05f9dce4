package com.piam.cdc.load;

import org.apache.camel.Exchange;
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
        final List<Integer> sizes = new CopyOnWriteArrayList<>();
        final List<Object> rows = new CopyOnWriteArrayList<>();
        final CountDownLatch writing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        public void loadAccessEvents(Exchange exchange) throws InterruptedException {
            LoadBatch batch = exchange.getMessage().getBody(LoadBatch.class);
            if (sizes.isEmpty()) {
                writing.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            batch.changes().forEach(c -> rows.add(c.row()));
            sizes.add(batch.size());
        }

        public void loadConnectorHealth(Exchange exchange) {
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
        LoadRouteBeans.bind(registry, clickHouse, 5, 20);
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

        assertThat(clickHouse.sizes.get(0)).as("5 rows and nothing waiting: a batch of MAX_BATCH_EVENTS").isEqualTo(5);
        assertThat(clickHouse.sizes).allSatisfy(n -> assertThat(n).isBetween(5, 20));
        assertThat(clickHouse.sizes.stream().filter(n -> n == 20).count())
                .as("at least 60 rows waited: batches of CATCH_UP_BATCH_ROWS").isGreaterThanOrEqualTo(3);
        assertThat(clickHouse.rows).hasSize(105).doesNotHaveDuplicates();
    }
}
