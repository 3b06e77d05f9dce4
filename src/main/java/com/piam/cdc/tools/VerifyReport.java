package com.piam.cdc.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.piam.cdc.verify.PipelineStatusEndpoint;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code make demo-verify}: asks the running runtime to verify every stage now
 * (GET /observe/pipeline?refresh=true) and prints a readable report. Exit code 0 when HEALTHY or SNAPSHOTTING
 * (1 DEGRADED, 2 DOWN or the runtime not answering).
 */
public final class VerifyReport {

    private static final String LINE = "=".repeat(60);
    private static final Map<String, String> TITLES = Map.of(
            "routes", "Routes", "mysql", "MySQL", "capture", "Capture (Debezium)", "binlog", "Binlog", "kafka", "Kafka",
            "loader", "Loader", "rejected", "Rows set aside", "clickhouse", "ClickHouse", "freshness", "Freshness",
            "reconcile", "Reconciliation");

    private VerifyReport() {
    }

    public static void main(String[] args) throws IOException {
        java.util.function.Function<String, String> settings = ToolSettings.lookup(); // as the runtime reads them
        String host = setting(settings, "MANAGEMENT_HOST", "127.0.0.1");
        if (host.equals("0.0.0.0")) {
            host = "127.0.0.1";
        }
        String url = args.length > 0 ? args[0] : "http://" + host + ":" + setting(settings, "MANAGEMENT_PORT", "9876") + PipelineStatusEndpoint.PATH;
        System.exit(run(url, System.out));
    }

    public static int run(String url, PrintStream out) {
        String body;
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build().send(
                    HttpRequest.newBuilder(URI.create(url + "?refresh=true")).timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = r.body();
        } catch (IOException | InterruptedException e) {
            out.println(LINE);
            out.println("CDC Pipeline Verification");
            out.println(LINE);
            out.println();
            out.println("[Summary]");
            out.println("  Status: DOWN - the runtime does not answer at " + url + " (" + e.getClass().getSimpleName() + ")");
            out.println("  Start it with `make demo` (or `make demo-up`); its log is .local/logs/runtime.log");
            return 2;
        }
        try {
            return render(new ObjectMapper().readTree(body), out);
        } catch (IOException e) {
            out.println("Status: DOWN - " + url + " did not answer with the pipeline status: " + body);
            return 2;
        }
    }

    static int render(JsonNode status, PrintStream out) {
        out.println(LINE);
        out.println("CDC Pipeline Verification (" + status.path("ingest_mode").asText() + " mode, checked "
                + status.path("checked_at").asText() + " in " + status.path("took_ms").asLong() + " ms)");
        out.println(LINE);
        JsonNode ch = null;
        JsonNode freshness = null;
        out.println();
        out.println("[Services]");
        for (JsonNode stage : status.path("stages")) {
            String name = stage.path("stage").asText();
            if (name.equals("clickhouse")) {
                ch = stage;
            } else if (name.equals("freshness")) {
                freshness = stage;
            }
            out.printf("  %-20s %s%n", TITLES.getOrDefault(name, name) + ":", stage.path("ok").asBoolean() ? "OK" : "FAIL");
            if (!(name.equals("routes") || name.equals("rejected")) || !stage.path("ok").asBoolean()) {
                facts(stage, out);
            }
        }
        if (ch != null && ch.path("facts").has("access_events_10m")) {
            JsonNode f = ch.path("facts");
            out.println();
            out.println("[Data Flow - Last 10 Minutes]");
            out.println("  Access Events: " + f.path("access_events_10m").asLong() + " (newest " + f.path("newest_access_event").asText() + ")");
            out.println("  Health Checks: " + f.path("health_checks_10m").asLong() + " (newest " + f.path("newest_health_check").asText() + ")");
            if (freshness != null) {
                JsonNode ff = freshness.path("facts");
                out.println("  Freshness p95: " + ff.path("p95_1m").asText("?") + " last minute, " + ff.path("p95_5m").asText()
                        + " last 5 minutes (limit " + ff.path("limit_seconds").asText() + " s)");
            }
        }
        out.println();
        out.println("[Summary]");
        String overall = status.path("status").asText("DOWN");
        switch (overall) {
            case "HEALTHY" -> out.println("  Status: HEALTHY - Data flowing through the "
                    + ("direct".equals(status.path("ingest_mode").asText()) ? "pipeline (direct mode, no MySQL/Kafka)" : "CDC pipeline"));
            case "SNAPSHOTTING" -> {
                out.println("  Status: SNAPSHOTTING - reading the rows already in the source tables, between the changes it streams"
                        + " (not a failure):");
                for (JsonNode stage : status.path("stages")) {
                    if (stage.path("stage").asText().equals("capture")) {
                        stage.path("facts").fields().forEachRemaining(f -> {
                            if (f.getKey().startsWith("snapshot ")) {
                                out.println("    " + f.getKey().substring("snapshot ".length()) + ": " + f.getValue().asText());
                            }
                        });
                    }
                }
                out.println("  Until it has read them (they are missing in ClickHouse meanwhile):");
            }
            case "DEGRADED" -> out.println("  Status: DEGRADED - rows reached ClickHouse recently, but:");
            default -> out.println("  Status: DOWN - no rows reached ClickHouse in the last 10 minutes:");
        }
        for (JsonNode stage : status.path("stages")) {
            if (!stage.path("ok").asBoolean()) {
                for (JsonNode reason : stage.path("reasons")) {
                    out.println("    - " + reason.asText());
                }
            }
        }
        if (!overall.equals("HEALTHY") && !overall.equals("SNAPSHOTTING")) {
            out.println("  Look at the runtime log: make demo-logs");
        }
        return switch (overall) {
            case "HEALTHY", "SNAPSHOTTING" -> 0;
            case "DEGRADED" -> 1;
            default -> 2;
        };
    }

    private static void facts(JsonNode stage, PrintStream out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = stage.path("facts").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.printf("      %-44s %s%n", e.getKey(), e.getValue().asText());
        }
    }

    private static String setting(java.util.function.Function<String, String> settings, String key, String fallback) {
        String v = settings.apply(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
