package com.piam.cdc.load;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every row that left the happy path for good, per fact table: counted with its time, the newest
 * reason and where it went, so the verifier can say "1 access event set aside in the last 10
 * minutes: event_time 1965-03-01T10:00:00Z is before 1970 ...". Rows set aside by consume (records
 * that cannot be read) and by load (values ClickHouse cannot hold) are both recorded here.
 * <p>
 * Memory does not grow with time or with the rows set aside: each table keeps {@link #SLOTS} counters, one per
 * slot of the window (1 s for the default 10 minutes), so a storm of millions of rows costs what one row does.
 */
public final class RowsSetAside {

    /** Counters kept per table, covering the window. */
    public static final int SLOTS = 600;

    /** What the verifier reports for one table. */
    public record Recent(long count, String newestReason, String newestWhere, long newestMs, long total) {
    }

    private static final class Table {
        final long[] slotOf = new long[SLOTS]; // which slot (epoch ms / slotMs) counts[i] counts; -1: none yet
        final long[] counts = new long[SLOTS];
        long total;
        String newestReason = "";
        String newestWhere = "";
        long newestMs;

        Table() {
            java.util.Arrays.fill(slotOf, -1);
        }
    }

    private final long windowMs;
    private final long slotMs;
    private final Map<String, Table> tables = new ConcurrentHashMap<>();

    /** Counts kept for the default window, VERIFY_SET_ASIDE_SECONDS' 600 s. */
    public RowsSetAside() {
        this(600_000);
    }

    /** {@code windowMs}: the longest window {@link #recent} is asked for (VERIFY_SET_ASIDE_SECONDS). */
    public RowsSetAside(long windowMs) {
        if (windowMs <= 0) {
            throw new IllegalArgumentException("window must be positive: " + windowMs + " ms");
        }
        this.windowMs = windowMs;
        long perSlot = (windowMs + SLOTS - 1) / SLOTS;
        this.slotMs = Math.max(1000, (perSlot + 999) / 1000 * 1000); // whole seconds, the window covered
    }

    /** What is kept, for the verifier's facts: "600 counters per table, 1 s each". */
    public String bound() {
        return SLOTS + " counters per table, " + slotMs / 1000 + " s each";
    }

    /** One row of {@code table} set aside: why, and where it is now (e.g. "cg...event/0@12 -> cg...event.dlq"). */
    public void record(String table, String reason, String where) {
        record(table, reason, where, System.currentTimeMillis());
    }

    void record(String table, String reason, String where, long nowMs) {
        Table t = tables.computeIfAbsent(table, k -> new Table());
        long slot = nowMs / slotMs;
        int i = (int) (slot % SLOTS);
        synchronized (t) {
            if (t.slotOf[i] != slot) {
                t.slotOf[i] = slot;
                t.counts[i] = 0;
            }
            t.counts[i]++;
            t.total++;
            t.newestReason = reason;
            t.newestWhere = where;
            t.newestMs = nowMs;
        }
    }

    /**
     * Rows of {@code table} set aside in the last {@code windowMs} (to the slot: the oldest slot counts whole; at most
     * the window given at construction), with the newest reason.
     */
    public Recent recent(String table, long windowMs) {
        return recent(table, windowMs, System.currentTimeMillis());
    }

    Recent recent(String table, long windowMs, long nowMs) {
        Table t = tables.get(table);
        if (t == null) {
            return new Recent(0, "", "", 0, 0);
        }
        long newest = nowMs / slotMs;
        long oldest = Math.max((nowMs - Math.min(windowMs, this.windowMs)) / slotMs, newest - SLOTS + 1);
        synchronized (t) {
            long count = 0;
            for (int i = 0; i < SLOTS; i++) {
                if (t.slotOf[i] >= oldest && t.slotOf[i] <= newest) {
                    count += t.counts[i];
                }
            }
            return new Recent(count, t.newestReason, t.newestWhere, t.newestMs, t.total);
        }
    }
}
