package com.piam.cdc.consume;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loader's stale clock of a runtime that is given partitions in a fail-over starts when it got them:
 * the listener remembers since when its consumer holds any.
 */
class ConsumingSinceTest {

    @Test
    void theClockStartsWhenTheFirstPartitionArrivesAndStopsWhenTheLastGoes() {
        OffsetCommitListener commits = new OffsetCommitListener();
        assertThat(commits.consumingSinceMs()).as("not polled yet").isZero();
        commits.assigned(0, 1_000);
        assertThat(commits.consumingSinceMs()).as("a standby consumer: other runtimes hold the partitions").isZero();
        commits.assigned(1, 82_000);
        assertThat(commits.consumingSinceMs()).as("given a partition in a fail-over").isEqualTo(82_000);
        commits.assigned(3, 90_000);
        assertThat(commits.consumingSinceMs()).as("more partitions: still consuming since the first").isEqualTo(82_000);
        commits.assigned(0, 95_000);
        assertThat(commits.consumingSinceMs()).isZero();
        commits.assigned(2, 99_000);
        assertThat(commits.consumingSinceMs()).isEqualTo(99_000);
        assertThat(commits.assignedPartitions()).isEqualTo(2);
    }
}
