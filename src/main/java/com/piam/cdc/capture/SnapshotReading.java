package com.piam.cdc.capture;

/**
 * How far a snapshot has come on one table, as {@link SnapshotProgress} last measured it: rows this runtime has read,
 * the table's row estimate (-1 unknown), the rate over the last 10 s, and the line people read ("120,000 rows read of
 * about 1,500,000 in the table (8%), 9,800 rows/s, at most about 2 min 20 s left").
 */
public record SnapshotReading(long rows, long estimate, double rowsPerSecond, String text) {

    /** Percent of the estimate read (0..100), -1 when the table's size is unknown. */
    public int percent() {
        return estimate > 0 ? (int) Math.min(100, rows * 100 / Math.max(rows, estimate)) : -1;
    }

    /** Seconds left at the current rate (an upper bound: the estimate is the whole table's), -1 when unknown. */
    public long secondsLeft() {
        return estimate > rows && rowsPerSecond >= 1 ? (long) ((estimate - rows) / rowsPerSecond) : -1;
    }
}
