package com.piam.cdc;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;

import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The pipeline's metrics, with the JVM's, in the Prometheus registry that
 * camel-micrometer-prometheus serves at /observe/metrics (a private registry when metrics are off):
 * <ul>
 *   <li>{@code piam_route_exchanges_total{route_id}}, {@code piam_route_exchanges_failed_total{route_id}},
 *       {@code piam_route_exchanges_inflight{route_id}}: read from the route statistics Camel's JMX
 *       management keeps anyway (Camel's micrometer route policy measured ~8% of the CPU at full speed);</li>
 *   <li>{@code piam_load_batch_rows{table}}: rows per ClickHouse insert;</li>
 *   <li>{@code piam_load_insert_seconds{table}}: insert latency, retries included;</li>
 *   <li>{@code piam_freshness_seconds{table}}: per row, visible in ClickHouse minus source commit;</li>
 *   <li>{@code piam_kafka_consumer_lag{topic}}: records the consume route has not read yet.</li>
 * </ul>
 */
public class PipelineMetrics {

    /** Prometheus label names are snake_case. */
    static final String ROUTE_TAG = "route_id";

    private final CamelContext context;
    private volatile MeterRegistry registry;

    public PipelineMetrics(CamelContext context) {
        this.context = context;
    }

    private MeterRegistry registry() {
        MeterRegistry r = registry;
        if (r == null) {
            synchronized (this) {
                r = registry;
                if (r == null) {
                    r = context.getRegistry().findSingleByType(MeterRegistry.class);
                    registry = r = r != null ? r : new SimpleMeterRegistry();
                }
            }
        }
        return r;
    }

    /** Per table: rows loaded since start, and the last batch's rows, insert time and moment. */
    public record Loaded(long rows, int lastBatchRows, long lastInsertMs, long lastAtMs) {
        static final Loaded NONE = new Loaded(0, 0, 0, 0);
    }

    private final java.util.Map<String, Loaded> loaded = new java.util.concurrent.ConcurrentHashMap<>();

    /** What has been loaded into {@code table} since start. */
    public Loaded loaded(String table) {
        return loaded.getOrDefault(table, Loaded.NONE);
    }

    /** The p50 and p95 of freshness (seconds) over the recent rows of {@code table}, NaN when not known yet. */
    public double[] freshnessP50P95(String table) {
        DistributionSummary s = registry().find("piam.freshness").tag("table", table).summary();
        double[] out = {Double.NaN, Double.NaN};
        if (s != null) {
            for (io.micrometer.core.instrument.distribution.ValueAtPercentile v : s.takeSnapshot().percentileValues()) {
                if (v.percentile() == 0.5) {
                    out[0] = v.value();
                } else if (v.percentile() == 0.95) {
                    out[1] = v.value();
                }
            }
        }
        return out;
    }

    /** One ClickHouse insert: its size, how long it took, and each row's source commit time. */
    public void batchLoaded(String table, int rows, long insertMs, long[] sourceTsMs) {
        loaded.merge(table, new Loaded(rows, rows, insertMs, System.currentTimeMillis()),
                (a, b) -> new Loaded(a.rows() + b.rows(), b.lastBatchRows(), b.lastInsertMs(), b.lastAtMs()));
        MeterRegistry r = registry();
        DistributionSummary.builder("piam.load.batch.rows").description("Rows per ClickHouse insert").tag("table", table)
                .register(r).record(rows);
        Timer.builder("piam.load.insert").description("How long a ClickHouse insert took, retries included").tag("table", table)
                .register(r).record(Duration.ofMillis(insertMs));
        DistributionSummary freshness = DistributionSummary.builder("piam.freshness").baseUnit("seconds")
                .description("Per row: visible in ClickHouse minus committed at the source").tag("table", table)
                .publishPercentiles(0.5, 0.95, 0.99).register(r);
        long visible = System.currentTimeMillis();
        for (long ts : sourceTsMs) {
            if (ts > 0) {
                freshness.record(Math.max(0, visible - ts) / 1000.0);
            }
        }
    }

    /** Per-route exchange counters for every route the context has now (call once it has started). */
    public void bindRoutes() {
        ManagedCamelContext managed = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        if (managed == null) {
            return; // JMX management off: no route statistics to publish
        }
        MeterRegistry r = registry();
        for (Route route : context.getRoutes()) {
            String id = route.getRouteId();
            routeCounter(r, managed, "piam.route.exchanges", "Exchanges the route completed (Camel's route statistics)", id,
                    ManagedRouteMBean::getExchangesTotal);
            routeCounter(r, managed, "piam.route.exchanges.failed", "Exchanges of the route that failed", id,
                    ManagedRouteMBean::getExchangesFailed);
            Gauge.builder("piam.route.exchanges.inflight", managed, m -> stat(m, id, ManagedRouteMBean::getExchangesInflight))
                    .description("Exchanges in the route now").tag(ROUTE_TAG, id).register(r);
        }
    }

    private static void routeCounter(MeterRegistry r, ManagedCamelContext managed, String name, String description, String id,
            ToLongFunction<ManagedRouteMBean> stat) {
        FunctionCounter.builder(name, managed, m -> stat(m, id, stat)).description(description).tag(ROUTE_TAG, id).register(r);
    }

    /** Looked up on each scrape: a route replaced by a reload keeps its id but gets new statistics. */
    private static double stat(ManagedCamelContext managed, String id, ToLongFunction<ManagedRouteMBean> stat) {
        ManagedRouteMBean route = managed.getManagedRoute(id);
        return route == null ? 0 : stat.applyAsLong(route);
    }

    /**
     * A counter read on every scrape from a number of {@code state} that only grows; {@code description}: its HELP
     * text. Micrometer holds {@code state} weakly: it must be an object the runtime keeps.
     */
    public <T> void counter(String name, String description, String tagKey, String tagValue, T state, ToDoubleFunction<T> value) {
        FunctionCounter.builder(name, state, value).description(description).tag(tagKey, tagValue).register(registry());
    }

    /** A gauge read on every scrape; {@code description}: its HELP text. */
    public void gauge(String name, String description, String tagKey, String tagValue, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag(tagKey, tagValue).register(registry());
    }
}
