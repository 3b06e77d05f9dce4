package com.piam.cdc.it;

import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
        assertThat(value(m, "piam_route_exchanges_total{route_id=\"consume-access-events\"}")).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_route_exchanges_total{route_id=\"load-access-events\"}")).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_route_exchanges_failed_total{route_id=\"load-access-events\"}")).isZero();
        assertThat(value(m, "piam_route_exchanges_inflight{route_id=\"verify-pipeline\"}")).isGreaterThanOrEqualTo(0);
        assertThat(value(m, "piam_load_batch_rows_count" + table)).isGreaterThan(0);
        assertThat(value(m, "piam_load_batch_rows_max" + table)).isLessThanOrEqualTo(200);
        assertThat(value(m, "piam_load_insert_seconds_count" + table)).isGreaterThan(0);
        assertThat(value(m, "piam_freshness_seconds_count" + table)).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_freshness_seconds{table=\"piam.fact_access_events\",quantile=\"0.95\"}")).isBetween(0.0, 60.0);
        assertThat(value(m, "piam_kafka_consumer_lag{topic=\"cg.cloudgate.cg_access_event\"}")).isGreaterThanOrEqualTo(0);
        // the pipeline's rows go to ClickHouse as RowBinary, none as SQL text (a fallback to text fails here)
        assertThat(value(m, "piam_load_rows_sent_total{format=\"RowBinary\"}")).isGreaterThanOrEqualTo(50);
        assertThat(value(m, "piam_load_rows_sent_total{format=\"text\"}")).isZero();
        assertThat(m).contains("# HELP piam_freshness_seconds Per row: visible in ClickHouse minus committed at the source",
                "system_cpu_cores ").doesNotContain("routeId", "process_cpu_time_ns_total");
    }

    /** promtool (Debian's prometheus package; make test unpacks it into .local/tools) finds nothing to say about a live scrape. */
    @Test
    void theScrapeFollowsPrometheusConventions() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> scrape().contains("piam_load_batch_rows_count"));
        File promtool = promtool();
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(scrape().getBytes(StandardCharsets.UTF_8));
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(said).as("promtool check metrics").isEmpty();
        assertThat(p.exitValue()).as(said).isZero();
    }

    static File promtool() {
        File unpacked = new File(System.getenv().getOrDefault("PIAM_DATA_DIR", ".local"), "tools/prometheus/usr/bin/promtool");
        if (unpacked.canExecute()) {
            return unpacked;
        }
        for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
            File f = new File(dir, "promtool");
            if (f.canExecute()) {
                return f;
            }
        }
        throw new AssertionError("promtool not found: make test unpacks Debian's prometheus package into " + unpacked
                + " (or: apt-get install prometheus)");
    }
}
