package com.piam.cdc.verify;

import com.piam.cdc.verify.PipelineStatus.Overall;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The verdict: a running snapshot is its own state, and only what it explains is forgiven. */
class PipelineStatusTest {

    private static final StageStatus CAPTURE = new StageStatus("capture", List.of(), Map.of("engine", "running"));
    private static final StageStatus CAPTURE_SNAPSHOTTING = new StageStatus("capture", List.of(), Map.of("engine", "running",
            CaptureStage.SNAPSHOT_FACT + "cg_access_event", "1,000 rows read of about 9,000 in the table (11%), 500 rows/s"));
    private static final StageStatus KAFKA = new StageStatus("kafka", List.of(), Map.of());
    private static final StageStatus RECONCILE_MISSING = new StageStatus("reconcile",
            List.of("reconcile: 8,000 access events in MySQL are missing in ClickHouse"), Map.of());
    private static final StageStatus KAFKA_DOWN = new StageStatus("kafka", List.of("Kafka: not reachable"), Map.of());

    @Test
    void verdicts() {
        assertThat(PipelineStatus.of(List.of(CAPTURE, KAFKA), false)).isEqualTo(Overall.HEALTHY);
        assertThat(PipelineStatus.of(List.of(CAPTURE, RECONCILE_MISSING), false)).isEqualTo(Overall.DEGRADED);
        assertThat(PipelineStatus.of(List.of(CAPTURE, RECONCILE_MISSING), true)).isEqualTo(Overall.DOWN);
        assertThat(PipelineStatus.of(List.of(CAPTURE_SNAPSHOTTING, KAFKA), false)).as("all OK, reading").isEqualTo(Overall.SNAPSHOTTING);
        assertThat(PipelineStatus.of(List.of(CAPTURE_SNAPSHOTTING, RECONCILE_MISSING), false)).as("rows not read yet: explained")
                .isEqualTo(Overall.SNAPSHOTTING);
        assertThat(PipelineStatus.of(List.of(CAPTURE_SNAPSHOTTING, RECONCILE_MISSING), true)).as("old rows only, none recent yet")
                .isEqualTo(Overall.SNAPSHOTTING);
        assertThat(PipelineStatus.of(List.of(CAPTURE_SNAPSHOTTING, KAFKA_DOWN, RECONCILE_MISSING), false))
                .as("a problem the snapshot does not explain").isEqualTo(Overall.DEGRADED);
        assertThat(PipelineStatus.of(List.of(CAPTURE_SNAPSHOTTING, new StageStatus("freshness",
                List.of("freshness: p95 40.0 s over the last minute (limit 30 s)"), Map.of())), false))
                .as("streamed changes late: the snapshot must not delay them").isEqualTo(Overall.DEGRADED);
    }

    @Test
    void theSnapshotsReadingNow() {
        PipelineStatus s = new PipelineStatus(Overall.SNAPSHOTTING, 0, 1, "cdc", List.of(CAPTURE_SNAPSHOTTING, RECONCILE_MISSING));
        assertThat(s.snapshots()).containsExactly("cg_access_event: 1,000 rows read of about 9,000 in the table (11%), 500 rows/s");
        assertThat(new PipelineStatus(Overall.HEALTHY, 0, 1, "cdc", List.of(CAPTURE)).snapshots()).isEmpty();
    }
}
