package com.piam.cdc.capture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot progress line: rows read of about how many, the rate and the time left; nothing while nothing is read. */
class SnapshotProgressTest {

    @Test
    void aLineSaysHowFarHowFastAndHowLong() {
        assertThat(SnapshotProgress.line(120_000, 1_500_000, 9_800))
                .isEqualTo("120,000 rows read of about 1,500,000 in the table (8%), 9,800 rows/s, at most about 2 min 20 s left");
        assertThat(SnapshotProgress.line(1_600_000, 1_500_000, 9_800)).as("the estimate was low")
                .isEqualTo("1,600,000 rows read of about 1,600,000 in the table (100%), 9,800 rows/s");
        assertThat(SnapshotProgress.line(500, -1, 50)).isEqualTo("500 rows read, 50 rows/s");
        assertThat(SnapshotProgress.duration(7_260)).isEqualTo("2 h 1 min");
    }

    @Test
    void reportsOnlyWhileRowsAreRead() {
        CaptureLiveness liveness = new CaptureLiveness();
        SnapshotProgress progress = new SnapshotProgress(liveness, null, "cloudgate");
        for (int i = 0; i < 1_000; i++) {
            liveness.snapshotRead("cg_access_event");
        }
        progress.reportAt(10_000);
        assertThat(liveness.snapshotProgress()).as("first sight: no rate yet").isEmpty();
        for (int i = 0; i < 2_000; i++) {
            liveness.snapshotRead("cg_access_event");
        }
        progress.reportAt(20_000);
        assertThat(liveness.snapshotProgress().get("cg_access_event").text()).isEqualTo("3,000 rows read, 200 rows/s");
        progress.reportAt(25_000);
        assertThat(liveness.snapshotProgress()).as("within 10 s: unchanged").hasSize(1);
        progress.reportAt(30_000);
        assertThat(liveness.snapshotProgress()).as("nothing read for 10 s: the snapshot ended").isEmpty();
    }
}
