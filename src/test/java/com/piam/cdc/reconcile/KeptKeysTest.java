package com.piam.cdc.reconcile;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KeptKeysTest {

    private static final long NOW = 1_800_000_000_000L;

    @Test
    void keysSetAsideBeforeTheLookbackAreDroppedYoungerOnesKept() {
        KeptKeys kept = new KeptKeys(DeadLetterKeys.Bound.forLookback(30)); // 90 minutes
        kept.add("old", "before 1970", NOW - 91 * 60_000L);
        kept.add("young", "too long", NOW - 89 * 60_000L);
        kept.evict(NOW);

        assertThat(kept.view()).containsOnlyKeys("young").containsEntry("young", "too long");
        assertThat(kept.droppedYoung()).as("dropped for its age, not for the size").isZero();
    }

    @Test
    void beyondTheSizeTheOldestGoFirstAndAreCounted() {
        KeptKeys kept = new KeptKeys(new DeadLetterKeys.Bound(Long.MAX_VALUE, 3));
        for (int i = 1; i <= 5; i++) {
            kept.add("k" + i, "r" + i, NOW + i);
        }
        assertThat(kept.view().keySet()).containsExactly("k3", "k4", "k5");
        kept.add("k2", "again", NOW + 6); // set aside again: the newest, and k3 makes room
        kept.evict(NOW + 10);

        assertThat(kept.view().keySet()).containsExactly("k4", "k5", "k2");
        assertThat(kept.view().get("k2")).isEqualTo("again");
        assertThat(kept.droppedYoung()).isEqualTo(3);
    }

    @Test
    void aMillionSetAsideKeepsTheBoundAndLongReasonsAreClipped() {
        KeptKeys kept = new KeptKeys(DeadLetterKeys.Bound.forLookback(30));
        // one 64 KB reason for every key (built once: a million copies made the test allocate 64 GB and take 45 s in CI)
        String reason = "raw_payload too long: " + "x".repeat(64 * 1024);
        for (int i = 0; i < 1_000_000; i++) {
            kept.add("e-" + i, reason, NOW);
            assertThat(kept.size()).isLessThanOrEqualTo(20_000);
        }
        assertThat(kept.size()).isEqualTo(20_000);
        assertThat(kept.view().get("e-999999")).hasSize(KeptKeys.REASON_CHARS).endsWith("...");
        assertThat(kept.view().get("e-0")).isNull();
    }

    @Test
    void theBoundSaysWhatItKeeps() {
        assertThat(DeadLetterKeys.Bound.forLookback(30)).hasToString("at most 20,000 per table, set aside in the last 90 minutes");
        assertThat(DeadLetterKeys.Bound.ALL).hasToString("all");
    }
}
