package com.piam.cdc.load;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The real load-access-events route (its YAML) fed by a route that never stops sending: an operator's
 * stop completes before the shutdown timeout with the batch in hand written (every row sent is
 * loaded or still waiting in the buffer, none dropped), the feeder is paused meanwhile, and a start
 * resumes it.
 */
class FeedPauseTest {

    /** Stands in for ClickHouse: the rows of every batch written. */
    public static class Rows {
        final Set<Object> loaded = ConcurrentHashMap.newKeySet();

        public void loadAccessEvents(Exchange exchange) {
            exchange.getMessage().getBody(LoadBatch.class).changes().forEach(c -> loaded.add(c.row()));
        }

        public void loadConnectorHealth(Exchange exchange) {
        }
    }

    @Test
    void stoppingTheLoaderWhileRowsFlowPausesTheFeederAndDropsNothing() throws Exception {
        Rows rows = new Rows();
        AtomicInteger sent = new AtomicInteger();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties p = new Properties();
            p.put("MAX_BUFFERED_ROWS", "1000");
            p.put("MAX_BATCH_EVENTS", "200");
            p.put("FLUSH_INTERVAL_SECONDS", "1");
            context.getPropertiesComponent().setInitialProperties(p);
            FeedPause feed = new FeedPause(context, List.of("feed-access-events"));
            context.getRegistry().bind("factLoader", rows);
            context.getRegistry().bind("loadBatchAggregation", new LoadBatchAggregation());
            context.getRegistry().bind("accessEventsBatchSize", new CatchUpBatchSize(200, 2000));
            new LoadBudget(32L * 1024 * 1024, () -> false).bindTo(context.getRegistry());
            context.getRegistry().bind("accessEventsWriter", BatchWriterExecutor.create("test-access-events-writer"));
            context.getRegistry().bind("accessEventsFeed", feed);
            PluginHelper.getRoutesLoader(context).loadRoutes(
                    ResourceHelper.resolveMandatoryResource(context, "classpath:routes/load-access-events.camel.yaml"));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("timer:feed?period=2").routeId("feed-access-events")
                            .process(e -> e.getMessage().setBody("row-" + sent.incrementAndGet()))
                            .to("seda:access-events?size=1000&blockWhenFull=true");
                }
            });
            context.getShutdownStrategy().setTimeout(5);
            context.start();
            await().atMost(Duration.ofSeconds(5)).until(() -> rows.loaded.size() > 100);

            long t0 = System.nanoTime();
            context.getRouteController().stopRoute("load-access-events");
            long stopMs = (System.nanoTime() - t0) / 1_000_000;

            assertThat(stopMs).as("stopped before the 5 s shutdown timeout (not forced)").isLessThan(5000);
            assertThat(feed.paused()).containsExactly("feed-access-events");
            int sentAtStop = sent.get();
            Thread.sleep(300);
            assertThat(sent.get()).as("the feeder sends nothing while paused").isEqualTo(sentAtStop);
            SedaEndpoint buffer = context.getEndpoint("seda:access-events?size=1000", SedaEndpoint.class);
            assertThat(rows.loaded.size() + buffer.getCurrentQueueSize()).as("every row sent is loaded or waits in the buffer")
                    .isEqualTo(sentAtStop);

            context.getRouteController().startRoute("load-access-events");
            assertThat(feed.paused()).isEmpty();
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.get() > sentAtStop + 100);
            context.getRouteController().stopRoute("feed-access-events");
            int total = sent.get();
            await().atMost(Duration.ofSeconds(5)).until(() -> rows.loaded.size() == total);
        }
    }
}
