package com.piam.cdc.consume;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The commit point of one partition: the first unsettled record, and past trailing transaction markers only when safe. */
class PartitionProgressTest {

    @Test
    void theCommitPointIsTheFirstUnsettledRecord() {
        OffsetCommitListener.PartitionProgress p = new OffsetCommitListener.PartitionProgress();
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
        OffsetCommitListener.PartitionProgress p = new OffsetCommitListener.PartitionProgress();
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
        OffsetCommitListener.PartitionProgress p = new OffsetCommitListener.PartitionProgress();
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
}
