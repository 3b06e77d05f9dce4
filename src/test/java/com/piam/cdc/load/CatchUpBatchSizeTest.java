package com.piam.cdc.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a load batch completes: at its size, or with the rows already waiting, up to the catch-up size. */
class CatchUpBatchSizeTest {

    private final CatchUpBatchSize size = new CatchUpBatchSize(200, 2000);

    @Test
    void withNothingWaitingABatchCompletesAtItsSize() {
        assertThat(size.size(1, 0)).isEqualTo(200);
        assertThat(size.size(200, 0)).isEqualTo(200);
    }

    @Test
    void rowsAlreadyWaitingGoInTheSameBatchUpToTheCatchUpSize() {
        assertThat(size.size(200, 300)).as("200 taken, 300 waiting: all 500").isEqualTo(500);
        assertThat(size.size(500, 0)).as("the buffer ran empty: complete now").isEqualTo(500);
        assertThat(size.size(200, 50_000)).isEqualTo(2000);
        assertThat(size.size(1999, Integer.MAX_VALUE)).as("no overflow").isEqualTo(2000);
    }

    @Test
    void aCatchUpSizeBelowTheBatchSizeLeavesTheBatchSize() {
        CatchUpBatchSize small = new CatchUpBatchSize(200, 50);
        assertThat(small.size(1, 10_000)).isEqualTo(200);
    }
}
