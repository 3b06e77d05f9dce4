package com.piam.cdc.capture;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the capture stage last did: changes captured, last change and source commit time, binlog
 * position, heartbeats. Reported for operators (and the verifier); whether the engine is alive is
 * decided by CaptureWatchdog from the engine task itself, because an idle MariaDB sends Debezium no
 * heartbeats and silence alone proves nothing.
 */
public class CaptureLiveness {

    /** Last heartbeat or change: a real sign of life from the engine. */
    private final AtomicLong lastSignalMs = new AtomicLong();
    /** Silence is measured from the later of the last signal and the last (re)start of capture. */
    private final AtomicLong watchFromMs = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong lastChangeMs = new AtomicLong();
    private final AtomicLong lastSourceTsMs = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    /** Where the last change was in the binlog; "file:pos" is made only when someone asks. */
    private final AtomicReference<Position> binlogPosition = new AtomicReference<>(new Position("", -1));

    private record Position(String file, long pos) {
        @Override
        public String toString() {
            return pos < 0 ? file : file + ":" + pos;
        }
    }

    /** Rows read by snapshots (op "r"), per source table, since the runtime started. */
    private final Map<String, LongAdder> snapshotRows = new ConcurrentHashMap<>();
    /** What SnapshotProgress last said per table while a snapshot reads it ("120,000 of about 1,500,000 rows …"). */
    private volatile Map<String, SnapshotReading> snapshotProgress = Map.of();

    /**
     * Where this runtime's part of a table's snapshot began: the key column and first key it read (the snapshot reads
     * in key order) and how many rows it had read before that. A successor continues a snapshot from its last chunk,
     * so the rows before that key were read by another runtime (SnapshotProgress counts them once).
     */
    record SnapshotStart(String keyColumn, Object key, long rowsBefore, boolean wholeTable) {
    }

    private final Map<String, SnapshotStart> snapshotStarts = new ConcurrentHashMap<>();

    void snapshotRead(String table) {
        snapshotRead(table, null);
    }

    /** A row read by a snapshot, with its record key (a single-column key Struct, else not used). */
    void snapshotRead(String table, Object key) {
        snapshotRead(table, key, null, null);
    }

    /**
     * A row read by a snapshot, with its record key (a single-column key Struct, else not used) and, for the first row
     * of a part, its source offset and database: whether the snapshot reads the whole table or only the rows
     * of a condition (make snapshot WHERE=…) decides whether the rows before its first key count as read.
     */
    void snapshotRead(String table, Object key, Map<String, ?> offset, Object db) {
        LongAdder n = snapshotRows.computeIfAbsent(table, t -> new LongAdder());
        if (key instanceof org.apache.kafka.connect.data.Struct k && k.schema().fields().size() == 1 && !snapshotStarts.containsKey(table)) {
            String column = k.schema().fields().get(0).name();
            snapshotStarts.putIfAbsent(table, new SnapshotStart(column, k.get(column), n.sum(), SnapshotScope.wholeTable(offset, db + "." + table)));
        }
        n.increment();
    }

    SnapshotStart snapshotStart(String table) {
        return snapshotStarts.get(table);
    }

    /** The table's snapshot reads nothing any more (here): the next row read begins a new part. */
    void snapshotPaused(String table) {
        snapshotStarts.remove(table);
    }

    /** Rows read by snapshots so far, per source table. */
    public Map<String, Long> snapshotRowsRead() {
        Map<String, Long> out = new TreeMap<>();
        snapshotRows.forEach((t, n) -> out.put(t, n.sum()));
        return out;
    }

    public long snapshotRowsRead(String table) {
        LongAdder n = snapshotRows.get(table);
        return n == null ? 0 : n.sum();
    }

    void snapshotProgress(Map<String, SnapshotReading> progress) {
        this.snapshotProgress = Map.copyOf(progress);
    }

    /** The tables a snapshot is reading now, with how far it has come (empty when none is). */
    public Map<String, SnapshotReading> snapshotProgress() {
        return snapshotProgress;
    }

    void heartbeat() {
        lastSignalMs.set(System.currentTimeMillis());
    }

    void change(long sourceTsMs, String file, long pos) {
        long now = System.currentTimeMillis();
        lastSignalMs.set(now);
        lastChangeMs.set(now);
        lastSourceTsMs.set(sourceTsMs);
        changes.incrementAndGet();
        if (file != null) {
            binlogPosition.set(new Position(file, pos));
        }
    }

    /** Called when the capture route (re)starts: silence is measured from here. */
    void started() {
        watchFromMs.set(System.currentTimeMillis());
    }

    /** Milliseconds without a sign of life (since the last signal, or since capture last started). */
    public long millisSinceLastSignal() {
        return System.currentTimeMillis() - Math.max(lastSignalMs.get(), watchFromMs.get());
    }

    /** True when the engine has sent a heartbeat or change since {@code sinceMs}. */
    boolean signalledSince(long sinceMs) {
        return lastSignalMs.get() > sinceMs;
    }

    public long lastChangeMs() {
        return lastChangeMs.get();
    }

    /** Source commit time (epoch ms) of the last captured change, 0 if none yet. */
    public long lastSourceTsMs() {
        return lastSourceTsMs.get();
    }

    public long changesCaptured() {
        return changes.get();
    }

    public String binlogPosition() {
        return binlogPosition.get().toString();
    }
}
