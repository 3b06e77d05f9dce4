package com.piam.cdc.it;

import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Prometheus metrics on 127.0.0.1:MANAGEMENT_PORT/observe/metrics (a free port per test): Camel's per-route ones and the pipeline's own. */
class MetricsIT extends PipelineITSupport {

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withJMX(true); // as in the runtime: per-route counters come from JMX's route statistics
    }

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "cdc",
                "FLUSH_INTERVAL_SECONDS", "1");
    }

    private String scrape() throws Exception {
        Map.Entry<Integer, String> r = http("/observe/metrics");
        assertThat(r.getKey()).isEqualTo(200);
        return r.getValue();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    @Test
    void routeAndPipelineMetricsAreServed() throws Exception {
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, "it-metrics-" + UUID.randomUUID().toString().substring(0, 8) + "-", 0, 50);
        }
        String table = "{table=\"piam.fact_access_events\"}";
        await().atMost(Duration.ofSeconds(20)).until(() -> value(scrape(), "piam_load_batch_rows_sum" + table) >= 50);
        String m = scrape();
        assertThat(value(m, "piam_route_exchanges_total{routeId=\"consume-access-events\"}")).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_route_exchanges_total{routeId=\"load-access-events\"}")).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_route_exchanges_failed_total{routeId=\"load-access-events\"}")).isZero();
        assertThat(value(m, "piam_route_exchanges_inflight{routeId=\"verify-pipeline\"}")).isGreaterThanOrEqualTo(0);
        assertThat(value(m, "piam_load_batch_rows_count" + table)).isGreaterThan(0);
        assertThat(value(m, "piam_load_batch_rows_max" + table)).isLessThanOrEqualTo(200);
        assertThat(value(m, "piam_load_insert_seconds_count" + table)).isGreaterThan(0);
        assertThat(value(m, "piam_freshness_seconds_count" + table)).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_freshness_seconds{table=\"piam.fact_access_events\",quantile=\"0.95\"}")).isBetween(0.0, 60.0);
        assertThat(value(m, "piam_kafka_consumer_lag{topic=\"cg.cloudgate.cg_access_event\"}")).isGreaterThanOrEqualTo(0);
    }
}
