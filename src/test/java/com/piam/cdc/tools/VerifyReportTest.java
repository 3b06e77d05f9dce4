package com.piam.cdc.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineStatusEndpoint;
import com.piam.cdc.verify.StageStatus;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyReportTest {

    private static PipelineStatus status(PipelineStatus.Overall overall, StageStatus... stages) {
        return new PipelineStatus(overall, 1_795_000_000_000L, 42, "cdc", List.of(stages));
    }

    private static final StageStatus CLICKHOUSE_OK = new StageStatus("clickhouse", List.of(), Map.of(
            "reachable", true, "access_events_10m", 886, "newest_access_event", "1 s old",
            "health_checks_10m", 40, "newest_health_check", "3 s old"));

    private static String render(PipelineStatus s, int[] exit) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        exit[0] = VerifyReport.render(new ObjectMapper().readTree(PipelineStatusEndpoint.toJson(s)),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void healthyExitsZeroAndShowsTheDataFlow() throws Exception {
        int[] exit = new int[1];
        String out = render(status(PipelineStatus.Overall.HEALTHY, CLICKHOUSE_OK,
                new StageStatus("freshness", List.of(), Map.of("p95_5m", "2.1 s", "p95_1m", "1.9 s", "limit_seconds", 30))), exit);
        assertThat(exit[0]).isZero();
        assertThat(out).contains("[Services]", "ClickHouse:", "Access Events: 886 (newest 1 s old)",
                "Health Checks: 40 (newest 3 s old)", "Freshness p95: 1.9 s last minute, 2.1 s last 5 minutes (limit 30 s)",
                "Status: HEALTHY");
    }

    @Test
    void degradedExitsNonZeroAndListsEveryReason() throws Exception {
        int[] exit = new int[1];
        String out = render(status(PipelineStatus.Overall.DEGRADED,
                new StageStatus("routes", List.of("routes: load-access-events is Stopped (start it ...)"), Map.of()),
                new StageStatus("clickhouse", List.of("ClickHouse: connection refused at 127.0.0.1:8123"),
                        Map.of("reachable", false))), exit);
        assertThat(exit[0]).isEqualTo(1);
        assertThat(out).contains("Status: DEGRADED", "    - ClickHouse: connection refused at 127.0.0.1:8123",
                "    - routes: load-access-events is Stopped", "ClickHouse:          FAIL", "make demo-logs");
    }

    @Test
    void snapshottingIsNeitherHealthyNorAFailureAndNamesTheSnapshotAndItsEta() throws Exception {
        int[] exit = new int[1];
        String out = render(status(PipelineStatus.Overall.SNAPSHOTTING, new StageStatus("capture", List.of(), Map.of("engine", "running",
                        "snapshot cg_access_event", "120,000 rows read of about 1,500,000 in the table (8%), 9,800 rows/s, "
                                + "at most about 2 min 20 s left")),
                new StageStatus("reconcile", List.of("reconcile: 4,100 access events in MySQL are missing in ClickHouse"), Map.of())), exit);
        assertThat(exit[0]).as("not a failure").isZero();
        assertThat(out).contains("Status: SNAPSHOTTING", "    cg_access_event: 120,000 rows read of about 1,500,000 in the table (8%), "
                + "9,800 rows/s, at most about 2 min 20 s left", "    - reconcile: 4,100 access events in MySQL are missing")
                .doesNotContain("make demo-logs");
    }

    @Test
    void downExitsTwo() throws Exception {
        int[] exit = new int[1];
        String out = render(status(PipelineStatus.Overall.DOWN, new StageStatus("clickhouse",
                List.of("ClickHouse: no rows in the last 10 minutes"), Map.of())), exit);
        assertThat(exit[0]).isEqualTo(2);
        assertThat(out).contains("Status: DOWN");
    }

    @Test
    void aRuntimeThatDoesNotAnswerIsDownWithWhatToDo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = VerifyReport.run("http://127.0.0.1:" + port + "/observe/pipeline", new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Status: DOWN - the runtime does not answer at http://127.0.0.1:" + port,
                "make demo");
    }
}
