package com.piam.cdc.load;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

import java.util.List;

/** The beans the load routes' YAML refers to, for tests that run those routes with a stand-in for ClickHouse. */
final class LoadRouteBeans {

    private LoadRouteBeans() {
    }

    /** {@code factLoader}: loadAccessEvents / loadConnectorHealth; batches of {@code rows}, up to {@code catchUpRows} while rows wait. */
    static void bind(CamelContext context, Registry registry, Object factLoader, int rows, int catchUpRows) {
        registry.bind("factLoader", factLoader);
        registry.bind("loadBatchAggregation", new LoadBatchAggregation());
        registry.bind("accessEventsBatchSize", new CatchUpBatchSize(rows, catchUpRows));
        registry.bind("connectorHealthBatchSize", new CatchUpBatchSize(10, catchUpRows));
        new LoadBudget(32L * 1024 * 1024, () -> false).bindTo(registry);
        registry.bind("accessEventsWriter", BatchWriterExecutor.create("test-access-events-writer"));
        registry.bind("connectorHealthWriter", BatchWriterExecutor.create("test-connector-health-writer"));
        registry.bind("accessEventsFeed", new FeedPause(context, List.of()));
        registry.bind("connectorHealthFeed", new FeedPause(context, List.of()));
    }
}
