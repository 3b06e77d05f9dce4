package com.piam.cdc.load;

import org.apache.camel.Exchange;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The load routes' aggregator: batches complete by size, and a partial batch completes by time. */
class LoadBatchingTest extends CamelMainTestSupport {

    /** Stands in for ClickHouse here: records the size of each batch the route completes. */
    public static class BatchSizes {
        final List<Integer> accessEvents = new CopyOnWriteArrayList<>();
        final List<Long> accessEventTimes = new CopyOnWriteArrayList<>();

        public void loadAccessEvents(Exchange exchange) {
            accessEvents.add(exchange.getMessage().getBody(LoadBatch.class).size());
            accessEventTimes.add(System.currentTimeMillis());
        }

        public void loadConnectorHealth(Exchange exchange) {
        }
    }

    final BatchSizes batches = new BatchSizes();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.put("MAX_BATCH_EVENTS", "5");
        p.put("FLUSH_INTERVAL_SECONDS", "2");
        p.put("camel.main.routes-include-pattern", "classpath:routes/load-*.camel.yaml");
        return p;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        // no catch-up here (CatchUpBatchingTest has it): batches of exactly 5 however fast rows come
        LoadRouteBeans.bind(context, registry, batches, 5, 5);
    }

    @Test
    void fullBatchesGoAtOnceAndTheRestAfterTheFlushInterval() {
        long start = System.currentTimeMillis();
        for (int i = 0; i < 12; i++) {
            template.sendBody("seda:access-events?size=5000", "row-" + i);
        }
        // two full batches of 5 complete by size, well before the 2 s flush interval
        await().atMost(java.time.Duration.ofMillis(1500)).until(() -> batches.accessEvents.size() >= 2);
        assertThat(batches.accessEvents.subList(0, 2)).containsExactly(5, 5);
        assertThat(batches.accessEventTimes.get(1) - start).isLessThan(1500);
        // the remaining 2 rows complete by time
        await().atMost(java.time.Duration.ofSeconds(5)).until(() -> batches.accessEvents.size() == 3);
        assertThat(batches.accessEvents).containsExactly(5, 5, 2);
        assertThat(batches.accessEvents.stream().mapToInt(Integer::intValue).sum()).isEqualTo(12);
    }
}
