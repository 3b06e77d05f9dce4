package com.piam.cdc.reconcile;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChunksTest {

    private static final long SLOT = Reconciler.SLOT_SECONDS;

    private static List<String> cut(Map<Long, Long> rowsPerSlot, long from, long to) {
        return Reconciler.cut(rowsPerSlot, from, to).stream().map(r -> (r[0] - from) / SLOT + "-" + (r[1] - from) / SLOT).toList();
    }

    @Test
    void aSparseRangeIsOneQueryHoweverLong() {
        // three days, a few thousand rows: one chunk
        assertThat(cut(Map.of(3L, 2_000L, 100L, 500L), 0, 144 * SLOT)).containsExactly("0-144");
    }

    @Test
    void aDenseRangeIsCutBeforeASlotWouldPassTheLimit() {
        long half = Reconciler.CHUNK_ROWS / 2 + 1;
        // slots of just over half the limit each: one slot per chunk; an empty slot joins the one before it
        assertThat(cut(Map.of(0L, half, 1L, half, 3L, half), 0, 4 * SLOT)).containsExactly("0-1", "1-3", "3-4");
        // a slot over the limit by itself is asked alone
        assertThat(cut(Map.of(0L, 10L, 1L, 3 * Reconciler.CHUNK_ROWS), 0, 3 * SLOT)).containsExactly("0-1", "1-3");
    }

    @Test
    void theLastChunkEndsWhereTheRangeEnds() {
        List<long[]> chunks = Reconciler.cut(Map.of(), 60, 60 + SLOT + 120);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0)).containsExactly(60, 60 + SLOT + 120);
    }
}
