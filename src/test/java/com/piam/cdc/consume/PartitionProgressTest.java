package com.piam.cdc.consume;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The commit point of one partition: the first unsettled record, and past trailing transaction markers only when safe. */
class PartitionProgressTest {

    @Test
    void theCommitPointIsTheFirstUnsettledRecord() {
        PartitionProgress p = new PartitionProgress();
        p.received(10, 0);
        p.received(11, 0);
        p.received(12, 0);
        p.settled(10);
        p.settled(12);
        assertThat(p.safe()).isEqualTo(11);
        p.settled(11);
        assertThat(p.safe()).isEqualTo(13);
    }

    @Test
    void aCommitMarkerBehindTheLastRecordIsPassedOnceAPollFoundNothingMore() {
        PartitionProgress p = new PartitionProgress();
        p.position(13);          // after the poll that returned 10..12: not processed yet
        p.received(10, 0);
        p.received(11, 0);
        p.received(12, 0);
        p.position(14);          // the next poll read the marker at 13: position moved, nothing concluded
        assertThat(p.safe()).isEqualTo(10);
        p.settled(10);
        p.settled(11);
        p.settled(12);
        assertThat(p.safe()).isEqualTo(13);
        p.position(14);          // a poll without anything new: all before 14 was read and settled
        assertThat(p.safe()).isEqualTo(14);
    }

    @Test
    void notPastRecordsStillOpenOrNotYetProcessed() {
        PartitionProgress p = new PartitionProgress();
        p.received(10, 0);
        p.position(11);
        p.position(11);
        p.position(14);          // a poll returned 11..13, not processed yet
        assertThat(p.safe()).isEqualTo(10);
        p.settled(10);
        assertThat(p.safe()).as("11..13 not received yet").isEqualTo(11);
        p.received(11, 0);
        p.position(14);          // unchanged, but 11 is open
        assertThat(p.safe()).isEqualTo(11);
    }

    @Test
    void anAbandonedRecordHoldsTheCommitPointAndIsTakenWhenReadAgain() {
        PartitionProgress p = new PartitionProgress();
        for (long o = 10; o <= 14; o++) {
            p.received(o, 0);
        }
        p.settled(10);
        p.settled(11);
        assertThat(p.abandon(11)).as("settled already: nothing to read again").isFalse();
        assertThat(p.abandon(12)).isTrue();
        assertThat(p.abandon(13)).isTrue();
        assertThat(p.takeRewind()).isEqualTo(12);
        assertThat(p.takeRewind()).as("seek once").isEqualTo(-1);
        p.settled(14);              // a later batch was loaded: still not committed past the lost ones
        assertThat(p.safe()).isEqualTo(12);

        // read again from 12: 12 and 13 are taken, 14 (held, settled) is dropped
        assertThat(p.receivedBefore(12)).isFalse();
        p.received(12, 5);
        assertThat(p.receivedBefore(13)).isFalse();
        p.received(13, 5);
        assertThat(p.receivedBefore(14)).isTrue();
        assertThat(p.receivedBefore(12)).as("its new copy is held now").isTrue();
        assertThat(p.abandonedCount()).isZero();
        p.settled(12);
        p.settled(13);
        assertThat(p.safe()).isEqualTo(15);
    }
}
