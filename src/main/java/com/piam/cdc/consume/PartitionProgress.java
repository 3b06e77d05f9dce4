package com.piam.cdc.consume;

import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What this runtime received and settled of one assigned partition, for {@link OffsetCommitListener}: the
 * offset that may be committed (the first unsettled record), the records read again while their first copy
 * is still held, and the records to read again because their batch failed unexpectedly.
 */
final class PartitionProgress {

    /** Received, not yet settled: offset -> when received (epoch ms). */
    private final TreeMap<Long, Long> open = new TreeMap<>();
    /** Unsettled records whose copy here was abandoned: the next read of each is taken, not dropped. */
    private final TreeSet<Long> abandoned = new TreeSet<>();
    /** Where the consumer must seek back to read the abandoned records again (-1: nowhere). */
    private long rewindTo = -1;
    private long nextAfterReceived = -1;
    private long committed = -1;
    private long lastPosition = -1;
    /** First record not taken for want of buffer room: it and the records after it are read again later (-1: none). */
    private long heldFrom = -1;

    /** Whether the record at {@code offset} was received before and its first copy is still held (or settled). */
    synchronized boolean receivedBefore(long offset) {
        return offset < nextAfterReceived && !abandoned.contains(offset);
    }

    /** Whether the record at {@code offset} lies at or after the first record held back (it is read again later). */
    synchronized boolean heldBack(long offset) {
        return heldFrom >= 0 && offset >= heldFrom;
    }

    /**
     * The record at {@code offset} was received but not taken (no room in the load buffer): it is not held here
     * and the consumer reads it again from here once it resumes. Records are received in order, so nothing after
     * it was received yet.
     */
    synchronized void holdBack(long offset) {
        open.remove(offset);
        abandoned.remove(offset);
        heldFrom = heldFrom < 0 ? offset : Math.min(heldFrom, offset);
        nextAfterReceived = Math.min(nextAfterReceived, heldFrom);
    }

    /** The partition resumes: the records held back are taken when read again. */
    synchronized void takeAgain() {
        heldFrom = -1;
    }

    synchronized void received(long offset, long nowMs) {
        if (abandoned.remove(offset)) {
            open.put(offset, nowMs);
        } else {
            open.putIfAbsent(offset, nowMs);
        }
        nextAfterReceived = Math.max(nextAfterReceived, offset + 1);
    }

    synchronized void settled(long offset) {
        open.remove(offset);
        abandoned.remove(offset);
    }

    /**
     * The copy held here of the record at {@code offset} is lost (its batch failed): it stays unsettled (never
     * committed past) and is read again. Returns false if it was settled already.
     */
    synchronized boolean abandon(long offset) {
        if (!open.containsKey(offset)) {
            return false;
        }
        abandoned.add(offset);
        rewindTo = rewindTo < 0 ? offset : Math.min(rewindTo, offset);
        return true;
    }

    /** Where the consumer must seek to read abandoned records again, once (-1: no need). */
    synchronized long takeRewind() {
        long r = rewindTo;
        rewindTo = -1;
        return r;
    }

    synchronized int abandonedCount() {
        return abandoned.size();
    }

    /** The offset to commit: the first unsettled record, or the one after the last received; -1 if none yet. */
    synchronized long safe() {
        return open.isEmpty() ? nextAfterReceived : open.firstKey();
    }

    /** When the first unsettled record was received (0 if none). */
    synchronized long oldestOpenSinceMs() {
        return open.isEmpty() ? 0 : open.firstEntry().getValue();
    }

    synchronized int openCount() {
        return open.size();
    }

    /**
     * The consumer's position after a poll. Unchanged since the last poll, with every record received
     * settled, everything before it was read: what lies between is no record for us (a transaction's
     * commit marker, an aborted transaction's records) and may be committed past.
     */
    synchronized void position(long position) {
        if (position == lastPosition && open.isEmpty() && nextAfterReceived >= 0 && position > nextAfterReceived) {
            nextAfterReceived = position;
        }
        lastPosition = position;
    }

    synchronized boolean commitNeeded(long safe) {
        return safe > committed;
    }

    synchronized void committed(long offset) {
        committed = Math.max(committed, offset);
    }
}
