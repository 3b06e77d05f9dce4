package com.piam.cdc.load;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowsSetAsideTest {

    private static final String T = "piam.fact_access_events";
    private static final long T0 = 1_800_000_000_000L;

    @Test
    void countsTheRowsOfTheWindowAndForgetsOlderOnes() {
        RowsSetAside rows = new RowsSetAside(600_000);
        rows.record(T, "old", "a", T0);
        rows.record(T, "mid", "b", T0 + 300_000);
        rows.record(T, "new", "c", T0 + 599_000);

        assertThat(rows.recent(T, 600_000, T0 + 599_000).count()).isEqualTo(3);
        RowsSetAside.Recent later = rows.recent(T, 600_000, T0 + 650_000);
        assertThat(later.count()).as("the first row left the window").isEqualTo(2);
        assertThat(later.newestReason()).isEqualTo("new");
        assertThat(later.total()).isEqualTo(3);
        assertThat(rows.recent(T, 60_000, T0 + 650_000).count()).as("a shorter window").isEqualTo(1);
        assertThat(rows.recent(T, 600_000, T0 + 1_300_000).count()).as("all left the window").isZero();
        assertThat(rows.recent("piam.fact_connector_health", 600_000, T0).count()).isZero();
    }

    @Test
    void aStormCostsNoMoreMemoryThanOneRowAndIsCountedExactly() {
        RowsSetAside rows = new RowsSetAside(600_000);
        for (int i = 0; i < 1_000_000; i++) {
            rows.record(T, "bad", "x", T0 + i % 600_000);
        }
        assertThat(rows.recent(T, 600_000, T0 + 599_999).count()).isEqualTo(1_000_000);
        // a whole window later the first second's slot (2,000 rows: that second came twice) starts again from zero
        rows.record(T, "bad", "x", T0 + 600_000);
        assertThat(rows.recent(T, 600_000, T0 + 600_000).count()).isEqualTo(1_000_000 - 2_000 + 1);
    }

    @Test
    void aLongWindowGetsWiderSlotsAndStillCoversIt() {
        RowsSetAside rows = new RowsSetAside(3_600_000);
        assertThat(rows.bound()).isEqualTo("600 counters per table, 6 s each");
        assertThat(new RowsSetAside(10_000).bound()).isEqualTo("600 counters per table, 1 s each");
        rows.record(T, "r", "w", T0);
        assertThat(rows.recent(T, 3_600_000, T0 + 3_500_000).count()).isEqualTo(1);
        assertThat(rows.recent(T, 3_600_000, T0 + 3_700_000).count()).isZero();
    }
}
