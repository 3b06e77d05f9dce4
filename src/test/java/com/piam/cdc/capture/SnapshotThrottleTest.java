package com.piam.cdc.capture;

import com.piam.cdc.capture.SnapshotThrottle.Action;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When the snapshot is paused and resumed: by the loaders' backlog, never holding the engine. */
class SnapshotThrottleTest {

    @Test
    void pausesAboveTheLimitAndResumesBelowTheLowerMark() {
        assertThat(SnapshotThrottle.decide(false, true, true, 6_001)).isEqualTo(Action.PAUSE);
        assertThat(SnapshotThrottle.decide(false, true, true, 6_000)).as("at the limit").isEqualTo(Action.NONE);
        assertThat(SnapshotThrottle.decide(false, true, false, 50_000)).as("no snapshot reading: nothing to pause")
                .isEqualTo(Action.NONE);
        assertThat(SnapshotThrottle.decide(true, true, false, 4_000)).as("paused, between the marks: stays paused")
                .isEqualTo(Action.NONE);
        assertThat(SnapshotThrottle.decide(true, true, false, 2_999)).isEqualTo(Action.RESUME);
        assertThat(SnapshotThrottle.decide(true, true, true, 20_000)).as("already paused").isEqualTo(Action.NONE);
    }

    @Test
    void resumesOnceAfterStartSoAPauseLeftByADeadCapturerCannotHoldTheSnapshot() {
        assertThat(SnapshotThrottle.decide(false, false, false, 0)).isEqualTo(Action.RESUME);
        assertThat(SnapshotThrottle.decide(false, false, false, 5_000)).as("not while the loaders are behind").isEqualTo(Action.NONE);
        assertThat(SnapshotThrottle.decide(false, true, false, 0)).as("once").isEqualTo(Action.NONE);
    }
}
