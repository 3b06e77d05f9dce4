package com.piam.cdc.live;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The panels' per-minute counts: whole hour every 30 s, the last two minutes in between, the hour's end dropped. */
class MinuteWindowTest {

    static final long T = 1_800_000_000_000L; // a whole minute, in ms
    static final long M = T / 1000;           // the same, in epoch seconds

    private static List<Object> row(long minute, String key, long... counters) {
        List<Object> r = new java.util.ArrayList<>(List.of(minute, key));
        for (long c : counters) {
            r.add(c);
        }
        return r;
    }

    @Test
    void asksTheWholeHourFirstThenOnlyTheLastTwoMinutesUntilTheNextWholePass() {
        MinuteWindow w = new MinuteWindow(2, 30_000);
        assertThat(w.askFrom(T + 5_000)).isEqualTo(M - 3540);
        w.replaceFrom(M - 3540, List.of(row(M - 3540, "a", 1, 0), row(M - 60, "a", 2, 1), row(M, "b", 3, 0)), T + 5_000);
        assertThat(w.askFrom(T + 7_000)).isEqualTo(M - 60);
        assertThat(w.askFrom(T + 34_999)).isEqualTo(M - 60);
        assertThat(w.askFrom(T + 35_000)).isEqualTo(M - 3540);
    }

    @Test
    void aRecentPassReplacesItsMinutesAndKeepsTheOlderOnes() {
        MinuteWindow w = new MinuteWindow(2, 30_000);
        w.replaceFrom(M - 3540, List.of(row(M - 600, "a", 5, 1), row(M - 60, "a", 2, 1), row(M, "b", 3, 0)), T + 5_000);
        // the previous minute now holds more for "a", the current one another key too; "b" of minute M was replaced
        w.replaceFrom(M - 60, List.of(row(M - 60, "a", 4, 1), row(M, "c", 7, 2)), T + 7_000);
        List<List<Object>> perMinute = w.perMinute();
        assertThat(perMinute).as("every minute of the hour, empty ones as 0").hasSize(60);
        assertThat(perMinute.get(0)).isEqualTo(List.of(M - 3540, 0L, 0L));
        assertThat(perMinute).contains(List.of(M - 600, 5L, 1L), List.of(M - 60, 4L, 1L)).endsWith(List.of(M, 7L, 2L));
        assertThat(w.top(6, 0, 1)).containsExactly(List.of("a", 9L, 2L), List.of("c", 7L, 2L));
        assertThat(w.top(1, 1)).containsExactly(List.of("a", 9L, 2L));
    }

    @Test
    void minutesOlderThanTheHourAreDropped() {
        MinuteWindow w = new MinuteWindow(1, 30_000);
        w.replaceFrom(M - 3540, List.of(row(M - 3540, "a", 1), row(M, "a", 1)), T + 5_000);
        // 3 minutes later: a recent pass; the hour's first minute has left the window
        w.replaceFrom(M + 120, List.of(row(M + 180, "a", 1)), T + 185_000);
        assertThat(w.perMinute()).filteredOn(r -> (long) r.get(1) > 0).extracting(r -> r.get(0)).containsExactly(M, M + 180);
        assertThat(w.top(5, 0)).containsExactly(List.of("a", 2L));
    }
}
