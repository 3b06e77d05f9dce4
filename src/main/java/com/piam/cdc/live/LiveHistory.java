package com.piam.cdc.live;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.ToLongFunction;

/** The live view's figures over the last 10 minutes, one point every couple of seconds, in memory. */
final class LiveHistory {

    /** Totals since start at one moment, and freshness then (seconds; NaN when unknown). */
    record Point(long atMs, long generated, long captured, long consumed, long loaded, double p50, double p95) {
    }

    static final long KEEP_MS = 10 * 60_000;
    private final Deque<Point> points = new ArrayDeque<>();

    synchronized void add(Point p) {
        points.addLast(p);
        while (!points.isEmpty() && points.peekFirst().atMs() < p.atMs() - KEEP_MS) {
            points.removeFirst();
        }
    }

    synchronized List<Point> points() {
        return new ArrayList<>(points);
    }

    /**
     * Per second over the last {@code windowMs} up to the newest point: the growth of a total between the
     * newest point and the oldest one within the window (0 with fewer than two points; a restart of a
     * counter counts as no growth).
     */
    static double rate(List<Point> points, ToLongFunction<Point> total, long windowMs) {
        if (points.size() < 2) {
            return 0;
        }
        Point last = points.get(points.size() - 1);
        Point first = last;
        for (int i = points.size() - 2; i >= 0 && points.get(i).atMs() >= last.atMs() - windowMs; i--) {
            first = points.get(i);
        }
        long dt = last.atMs() - first.atMs();
        long growth = total.applyAsLong(last) - total.applyAsLong(first);
        return dt <= 0 || growth < 0 ? 0 : growth * 1000.0 / dt;
    }
}
