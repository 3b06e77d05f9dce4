package com.piam.cdc.it;

import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineStatus.Overall;
import com.piam.cdc.verify.PipelineVerifier;
import com.piam.cdc.verify.StageStatus;
import com.piam.cdc.tools.VerifyReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The verify-pipeline route against the real stack, as an operator sees it: HEALTHY while rows
 * flow; a stage stopped by hand is named; ClickHouse stopped makes it DEGRADED naming ClickHouse
 * (HTTP status, Camel health check, make demo-verify's report and exit code), and it returns to
 * HEALTHY by itself once ClickHouse is back.
 */
class VerifierIT extends PipelineITSupport {

    @Override
    protected Properties settings() {
        // earlier tests in this suite replay rows on purpose (restarts, outages): their late rows
        // would make the 5-minute freshness p95 fail here, and the rows they set aside on the
        // dead-letter topics the rejected stage; this test is about the other stages
        return props(
                "INGEST_MODE", "cdc",
                "FLUSH_INTERVAL_SECONDS", "1",
                "VERIFY_INTERVAL_SECONDS", "1",
                "VERIFY_MAX_FRESHNESS_SECONDS", "3600",
                "VERIFY_SET_ASIDE_SECONDS", "1");
    }

    private static String describe(PipelineStatus s) {
        return s == null ? "no verdict yet" : s.overall() + ": " + s.reasons();
    }

    private static StageStatus stage(PipelineStatus s, String name) {
        return s.stages().stream().filter(x -> x.stage().equals(name)).findFirst().orElseThrow();
    }

    /** What `make demo-verify` prints and its exit code, against this test's runtime. */
    private Map.Entry<Integer, String> demoVerify() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = VerifyReport.run("http://127.0.0.1:" + managementPort + "/observe/pipeline",
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return Map.entry(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void reportsEveryStageAndFollowsAClickHouseOutage() throws Exception {
        PipelineVerifier verifier = bean("pipelineVerifier", PipelineVerifier.class);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .alias("HEALTHY while rows flow")
                .until(() -> verifier.last(), s -> {
                    System.out.println("verifier: " + describe(s));
                    return s != null && s.overall() == Overall.HEALTHY;
                });
        PipelineStatus healthy = verifier.last();
        assertThat(healthy.stages()).extracting(StageStatus::stage)
                .containsExactly("routes", "mysql", "capture", "binlog", "kafka", "loader", "rejected", "clickhouse", "freshness",
                        "reconcile");
        assertThat(stage(healthy, "binlog").facts()).containsKeys("oldest_file", "server_position", "expiry", "write_rate")
                .containsEntry("expiry", "24h 00m");
        assertThat(stage(healthy, "clickhouse").facts()).containsKeys("access_events_10m", "last_check lenel-primary",
                "last_check ccure-satellite", "last_check s2-building-b", "last_check genetec-campus");
        assertThat(stage(healthy, "kafka").facts()).containsKey("lag cg.cloudgate.cg_access_event");
        Map.Entry<Integer, String> status = http("/observe/pipeline");
        assertThat(status.getKey()).isEqualTo(200);
        assertThat(status.getValue()).contains("\"status\" : \"HEALTHY\"", "\"stage\" : \"capture\"");
        assertThat(http("/observe/health?exposureLevel=full").getValue()).contains("{\"name\":\"pipeline-clickhouse\",\"status\":\"UP\"}");
        Map.Entry<Integer, String> report = demoVerify();
        assertThat(report.getKey()).as(report.getValue()).isZero();

        // ten refreshes at once share one verification: one run and the timer's (every second here), not ten
        ExecutorService clients = Executors.newFixedThreadPool(10);
        try {
            List<Future<Map.Entry<Integer, String>>> answers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                answers.add(clients.submit(() -> http("/observe/pipeline?refresh=true")));
            }
            Set<String> checks = new TreeSet<>();
            for (Future<Map.Entry<Integer, String>> a : answers) {
                JsonNode json = new ObjectMapper().readTree(a.get(60, TimeUnit.SECONDS).getValue());
                checks.add(json.path("checked_at").asText());
                assertThat(json.path("age_ms").isNumber()).as("the verdict's age").isTrue();
            }
            assertThat(checks).as("verifications behind ten concurrent refreshes").hasSizeBetween(1, 3);
        } finally {
            clients.shutdownNow();
        }
        assertThat(report.getValue()).contains("Status: HEALTHY", "[Data Flow - Last 10 Minutes]");

        // a stage stopped by hand is named
        context.getRouteController().stopRoute("generate-connector-health");
        PipelineStatus stopped = verifier.verify();
        assertThat(stopped.overall()).isEqualTo(Overall.DEGRADED);
        assertThat(stage(stopped, "routes").reasons()).anySatisfy(r -> assertThat(r).startsWith("routes: generate-connector-health is Stopped"));
        context.getRouteController().startRoute("generate-connector-health");

        // ClickHouse stopped: DEGRADED, naming ClickHouse
        stack("down", "clickhouse");
        try {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> verifier.last(), s -> !stage(s, "clickhouse").ok());
            PipelineStatus outage = verifier.verify();
            assertThat(outage.overall()).as(describe(outage)).isEqualTo(Overall.DEGRADED);
            assertThat(stage(outage, "clickhouse").reasons()).containsExactly("ClickHouse: connection refused at 127.0.0.1:" + StackLogins.port("CLICKHOUSE_PORT"));
            Map.Entry<Integer, String> down = http("/observe/pipeline");
            assertThat(down.getKey()).isEqualTo(503);
            assertThat(down.getValue()).contains("\"status\" : \"DEGRADED\"", "ClickHouse: connection refused at 127.0.0.1:" + StackLogins.port("CLICKHOUSE_PORT"));
            Map.Entry<Integer, String> health = http("/observe/health?exposureLevel=full");
            assertThat(health.getKey()).isEqualTo(503);
            assertThat(health.getValue()).contains("\"name\":\"pipeline-clickhouse\",\"status\":\"DOWN\"");
            Map.Entry<Integer, String> degraded = demoVerify();
            assertThat(degraded.getKey()).as(degraded.getValue()).isEqualTo(1);
            assertThat(degraded.getValue()).contains("Status: DEGRADED", "- ClickHouse: connection refused at 127.0.0.1:" + StackLogins.port("CLICKHOUSE_PORT"));
        } finally {
            stack("up", "clickhouse");
        }

        // back to HEALTHY by itself (the timer's verdict, nobody asks)
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .alias("HEALTHY again after ClickHouse is back")
                .until(() -> verifier.last(), s -> s.overall() == Overall.HEALTHY && s.checkedAtMs() > System.currentTimeMillis() - 5000);
        assertThat(stage(verifier.last(), "loader").facts().get("failed_inserts piam.fact_access_events"))
                .as("the outage's failed inserts are counted").isNotEqualTo(0L);
    }
}
