package com.piam.cdc.capture;

/**
 * When rows read by a snapshot wait, from what Kafka says about the loaders: they wait while more than {@code limit}
 * records are not loaded yet (as Kafka said at the last look, plus the snapshot rows let through since) AND the
 * loaders are moving (their committed offsets advanced within {@code stuckMs}).
 * When the loaders do not move at all (no consumer, ClickHouse away) the snapshot goes on and its rows wait in Kafka;
 * it is held again as soon as the loaders move.
 * <p>
 * "Moving" is judged by the loaders' progress, never by the backlog shrinking: a snapshot let go because the backlog
 * did not shrink made it grow faster, so it never shrank again and streamed changes fell minutes behind (measured:
 * 150 s after 17 minutes of a 5-million-row first start). Rows let through between two looks count at once: Debezium
 * reads thousands of rows a second, so a second's burst alone would double the backlog.
 */
final class SnapshotPace {

    private final long limit;
    private final long stuckMs;
    private long backlog;
    private long passed;
    private long loaded = -1;
    private long movedMs;

    SnapshotPace(long limit, long stuckMs, long nowMs) {
        this.limit = limit;
        this.stuckMs = stuckMs;
        this.movedMs = nowMs;
    }

    /**
     * What Kafka said at {@code nowMs}: records not loaded yet, and the sum of the loaders' committed offsets (the
     * records loaded so far); {@code backlog} 0 when Kafka could not say (never held on a guess).
     */
    void observed(long nowMs, long backlog, long loaded) {
        if (loaded > this.loaded || backlog <= limit) {
            movedMs = nowMs;
        }
        this.backlog = backlog;
        this.loaded = Math.max(this.loaded, loaded);
        passed = 0;
    }

    /** Kafka could not be asked: nothing is held. */
    void unknown(long nowMs) {
        backlog = 0;
        passed = 0;
        movedMs = nowMs;
    }

    /** A snapshot row was let through to Kafka. */
    void passed() {
        passed++;
    }

    boolean hold(long nowMs) {
        return backlog + passed > limit && nowMs - movedMs < stuckMs;
    }

    /** Records not loaded yet: Kafka's figure at the last look plus the snapshot rows let through since. */
    long backlog() {
        return backlog + passed;
    }

    long limit() {
        return limit;
    }
}
