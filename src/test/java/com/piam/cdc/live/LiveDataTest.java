package com.piam.cdc.live;

import com.piam.cdc.capture.SnapshotReading;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.StageStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The live view's data: the capture box carries a progress bar per table a snapshot reads. */
class LiveDataTest {

    @Test
    void theCaptureBoxCarriesTheSnapshotsProgress() {
        PipelineStatus status = new PipelineStatus(PipelineStatus.Overall.SNAPSHOTTING, 0, 1, "cdc", List.of(new StageStatus("capture",
                List.of(), Map.of("snapshot cg_access_event", "300,000 rows read of about 1,200,000 in the table (25%)"))));
        Map<String, Object> data = LiveData.of(status, List.of(), route -> "Started", Map.of(), Map.of(),
                Map.of("cg_access_event", new SnapshotReading(300_000, 1_200_000, 6_000, "300,000 rows read …")), Map.of(), false);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stages = (List<Map<String, Object>>) data.get("stages");
        Map<String, Object> capture = stages.stream().filter(s -> s.get("id").equals("capture")).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> bar = ((List<Map<String, Object>>) capture.get("snapshot")).get(0);
        assertThat(bar).containsEntry("table", "cg_access_event").containsEntry("percent", 25).containsEntry("rows_per_s", 6_000L)
                .containsEntry("seconds_left", 150L);
        @SuppressWarnings("unchecked")
        List<String> reasons = (List<String>) ((Map<String, Object>) data.get("verdict")).get("reasons");
        assertThat(reasons).containsExactly("snapshot of cg_access_event: 300,000 rows read of about 1,200,000 in the table (25%)");
        assertThat(new SnapshotReading(10, -1, 5, "").percent()).as("size unknown").isEqualTo(-1);
        assertThat(new SnapshotReading(10, 100, 0.5, "").secondsLeft()).as("no rate yet").isEqualTo(-1);
    }

    @Test
    void whileASnapshotReadsReconciliationsMissingRowsSaySoAndOtherwiseNot() {
        String missing = "reconcile: window 21:04-21:05 (access events): 60 missing, e.g. e-1";
        StageStatus capture = new StageStatus("capture", List.of(), Map.of("snapshot cg_access_event", "52%"));
        StageStatus reconcile = new StageStatus("reconcile", List.of(missing), Map.of());
        for (PipelineStatus.Overall overall : List.of(PipelineStatus.Overall.SNAPSHOTTING, PipelineStatus.Overall.DEGRADED)) {
            PipelineStatus status = new PipelineStatus(overall, 0, 1, "cdc", List.of(capture, reconcile));
            Map<String, Object> data = LiveData.of(status, List.of(), route -> "Started", Map.of(), Map.of(), Map.of(), Map.of(), false);
            String shown = overall == PipelineStatus.Overall.SNAPSHOTTING ? "not read by the snapshot yet: " + missing : missing;
            @SuppressWarnings("unchecked")
            List<String> reasons = (List<String>) ((Map<String, Object>) data.get("verdict")).get("reasons");
            assertThat(reasons).as(overall.name()).contains(shown)
                    .doesNotContain(overall == PipelineStatus.Overall.SNAPSHOTTING ? missing : "not read by the snapshot yet: " + missing);
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> stages = (List<Map<String, Object>>) data.get("stages");
            Map<String, Object> box = stages.stream().filter(b -> b.toString().contains(shown)).findFirst().orElseThrow();
            assertThat(box.get("state")).as("the box that shows it, " + overall)
                    .isEqualTo(overall == PipelineStatus.Overall.SNAPSHOTTING ? "snapshotting" : "problem");
            assertThat(status.reasons()).as("the verifier's log line, " + overall).isEqualTo(shown);
        }
    }
}
