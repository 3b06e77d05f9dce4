package com.piam.cdc.capture;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotPaceTest {

    private static final long LIMIT = 10_000;
    private static final long STUCK = 30_000;

    @Test
    void holdsOnlyAboveTheLimit() {
        SnapshotPace pace = new SnapshotPace(LIMIT, STUCK, 0);
        pace.observed(1_000, 9_999, 0);
        assertFalse(pace.hold(1_000));
        pace.observed(2_000, 10_001, 0);
        assertTrue(pace.hold(2_000));
    }

    /**
     * The case that made streamed changes 150 s late: loaders that move but more slowly than the snapshot reads keep
     * the backlog from shrinking; the snapshot must stay held for as long as they move.
     */
    @Test
    void staysHeldWhileLoadersMoveEvenIfTheBacklogDoesNotShrink() {
        SnapshotPace pace = new SnapshotPace(LIMIT, STUCK, 0);
        long loaded = 0;
        for (long t = 0; t <= 600_000; t += 1_000) {
            loaded += 2_000;           // the loaders commit every second ...
            pace.observed(t, 50_000, loaded); // ... and the backlog stays where it is
            assertTrue(pace.hold(t), "held at " + t + " ms");
        }
    }

    @Test
    void letsGoWhenTheLoadersCommitNothingAndHoldsAgainWhenTheyMove() {
        SnapshotPace pace = new SnapshotPace(LIMIT, STUCK, 0);
        pace.observed(0, 20_000, 5_000);
        assertTrue(pace.hold(0));
        for (long t = 1_000; t < STUCK; t += 1_000) {
            pace.observed(t, 20_000 - t / 100, 5_000); // backlog shrinking alone is not the loaders moving
            assertTrue(pace.hold(t));
        }
        pace.observed(STUCK, 20_000, 5_000);
        assertFalse(pace.hold(STUCK), "no consumer for 30 s: the snapshot goes on into Kafka");
        pace.observed(STUCK + 1_000, 40_000, 5_000);
        assertFalse(pace.hold(STUCK + 1_000));
        pace.observed(STUCK + 2_000, 40_000, 5_200);
        assertTrue(pace.hold(STUCK + 2_000), "the loaders are back: held again");
    }

    @Test
    void rowsLetThroughBetweenTwoLooksCountAtOnce() {
        SnapshotPace pace = new SnapshotPace(LIMIT, STUCK, 0);
        pace.observed(0, 9_000, 100);
        for (int i = 0; i <= 1_000; i++) {
            assertFalse(pace.hold(10));
            pace.passed();
        }
        assertTrue(pace.hold(10), "9,000 in Kafka + 1,001 let through > the limit: held before the next look");
        pace.observed(1_000, 7_000, 4_100);
        assertFalse(pace.hold(1_000), "the next look counts afresh");
    }

    @Test
    void aFirstObservationWithoutCommitsCountsAsStartAndUnknownNeverHolds() {
        SnapshotPace pace = new SnapshotPace(LIMIT, STUCK, 0);
        pace.observed(1_000, 20_000, 0);
        assertTrue(pace.hold(1_000));
        assertFalse(pace.hold(1_000 + STUCK), "nothing loaded for 30 s");
        pace.unknown(40_000);
        assertFalse(pace.hold(40_000));
    }
}
