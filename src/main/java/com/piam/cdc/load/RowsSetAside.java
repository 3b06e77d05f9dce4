package com.piam.cdc.load;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every row that left the happy path for good, per fact table: counted with its time, the newest
 * reason and where it went, so the verifier can say "1 access event set aside in the last 10
 * minutes: event_time 1965-03-01T10:00:00Z is before 1970 ...". Rows set aside by consume (records
 * that cannot be read) and by load (values ClickHouse cannot hold) are both recorded here.
 */
public final class RowsSetAside {

    /** Times kept per table: enough to count a burst; older entries beyond it are dropped first. */
    private static final int MAX_KEPT = 100_000;

    /** What the verifier reports for one table. */
    public record Recent(long count, String newestReason, String newestWhere, long newestMs, long total) {
    }

    private static final class Table {
        final Deque<Long> times = new ArrayDeque<>();
        long total;
        String newestReason = "";
        String newestWhere = "";
        long newestMs;
    }

    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    /** One row of {@code table} set aside: why, and where it is now (e.g. "cg...event/0@12 -> cg...event.dlq"). */
    public void record(String table, String reason, String where) {
        Table t = tables.computeIfAbsent(table, k -> new Table());
        long now = System.currentTimeMillis();
        synchronized (t) {
            t.times.addLast(now);
            if (t.times.size() > MAX_KEPT) {
                t.times.removeFirst();
            }
            t.total++;
            t.newestReason = reason;
            t.newestWhere = where;
            t.newestMs = now;
        }
    }

    /** Rows of {@code table} set aside in the last {@code windowMs}, with the newest reason. */
    public Recent recent(String table, long windowMs) {
        Table t = tables.get(table);
        if (t == null) {
            return new Recent(0, "", "", 0, 0);
        }
        long from = System.currentTimeMillis() - windowMs;
        synchronized (t) {
            while (!t.times.isEmpty() && t.times.peekFirst() < from) {
                t.times.removeFirst();
            }
            return new Recent(t.times.size(), t.newestReason, t.newestWhere, t.newestMs, t.total);
        }
    }
}
