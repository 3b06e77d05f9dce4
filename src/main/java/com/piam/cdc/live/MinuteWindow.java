package com.piam.cdc.live;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counters per minute and key (a site, a deny reason) over the last hour, kept current cheaply: the whole
 * hour is asked again every {@code wholeEveryMs}; between those passes only the current and the previous
 * minute are asked again and replace what was held for them. Rows that arrive late for an older minute
 * (a replay after an outage) are counted at the next whole pass.
 */
final class MinuteWindow {

    static final long HOUR_S = 3600;

    private final int counters;
    private final long wholeEveryMs;
    private final TreeMap<Long, Map<String, long[]>> minutes = new TreeMap<>();
    private long wholeAtMs = Long.MIN_VALUE / 2;
    /** The current minute (epoch s) at the last pass. */
    private long currentMinute = -1;

    MinuteWindow(int counters, long wholeEveryMs) {
        this.counters = counters;
        this.wholeEveryMs = wholeEveryMs;
    }

    /** The epoch second the next pass asks from: the last hour's first minute, or the previous minute. */
    long askFrom(long nowMs) {
        long minute = nowMs / 60_000 * 60;
        return nowMs - wholeAtMs >= wholeEveryMs ? minute - HOUR_S + 60 : minute - 60;
    }

    /**
     * The answer of a pass that asked from {@code fromS}: rows of minute (epoch s), key, then the counters.
     * Replaces every minute from {@code fromS} on and drops the minutes older than the hour.
     */
    void replaceFrom(long fromS, List<List<Object>> rows, long nowMs) {
        long minute = nowMs / 60_000 * 60;
        currentMinute = minute;
        if (fromS <= minute - HOUR_S + 60) {
            wholeAtMs = nowMs;
        }
        minutes.tailMap(fromS, true).clear();
        minutes.headMap(minute - HOUR_S + 60, false).clear();
        for (List<Object> row : rows) {
            long[] c = new long[counters];
            for (int i = 0; i < counters; i++) {
                c[i] = ((Number) row.get(2 + i)).longValue();
            }
            minutes.computeIfAbsent(((Number) row.get(0)).longValue(), m -> new HashMap<>()).put(String.valueOf(row.get(1)), c);
        }
    }

    /** Every minute of the hour up to the last pass's, oldest first: [minute (epoch s), counter sums over the keys...]. */
    List<List<Object>> perMinute() {
        List<List<Object>> out = new ArrayList<>();
        if (currentMinute < 0) {
            return out;
        }
        for (long m = currentMinute - HOUR_S + 60; m <= currentMinute; m += 60) {
            long[] sum = new long[counters];
            minutes.getOrDefault(m, Map.of()).values().forEach(c -> add(sum, c));
            List<Object> row = new ArrayList<>();
            row.add(m);
            for (long v : sum) {
                row.add(v);
            }
            out.add(row);
        }
        return out;
    }

    /** The {@code limit} keys with the largest sum of the counters {@code rank} over the hour: [key, counters...]. */
    List<List<Object>> top(int limit, int... rank) {
        Map<String, long[]> sums = new LinkedHashMap<>();
        minutes.values().forEach(keys -> keys.forEach((k, c) -> add(sums.computeIfAbsent(k, x -> new long[counters]), c)));
        Comparator<Map.Entry<String, long[]>> byRank = Comparator.comparingLong(e -> {
            long s = 0;
            for (int i : rank) {
                s += e.getValue()[i];
            }
            return s;
        });
        return sums.entrySet().stream().sorted(byRank.reversed().thenComparing(Map.Entry::getKey)).limit(limit).map(e -> {
            List<Object> row = new ArrayList<>();
            row.add(e.getKey());
            for (long v : e.getValue()) {
                row.add(v);
            }
            return row;
        }).toList();
    }

    private static void add(long[] sum, long[] c) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += c[i];
        }
    }
}
