package com.piam.cdc.capture;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the capture stage last did: change events, heartbeats, binlog position. The embedded
 * Debezium engine can die while Camel keeps its route "Started"; Debezium heartbeats keep
 * arriving on an idle database, so silence longer than a few heartbeat intervals means the
 * engine is gone (see CaptureWatchdog).
 */
public class CaptureLiveness {

    private final AtomicLong lastSignalMs = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong lastChangeMs = new AtomicLong();
    private final AtomicLong lastSourceTsMs = new AtomicLong();
    private final AtomicLong changes = new AtomicLong();
    private final AtomicReference<String> binlogPosition = new AtomicReference<>("");

    void heartbeat() {
        lastSignalMs.set(System.currentTimeMillis());
    }

    void change(long sourceTsMs, Map<String, Object> source) {
        long now = System.currentTimeMillis();
        lastSignalMs.set(now);
        lastChangeMs.set(now);
        lastSourceTsMs.set(sourceTsMs);
        changes.incrementAndGet();
        if (source != null) {
            binlogPosition.set(source.get("file") + ":" + source.get("pos"));
        }
    }

    /** Called when the capture route (re)starts: silence is measured from here. */
    void started() {
        lastSignalMs.set(System.currentTimeMillis());
    }

    public long millisSinceLastSignal() {
        return System.currentTimeMillis() - lastSignalMs.get();
    }

    public long lastChangeMs() {
        return lastChangeMs.get();
    }

    public long changesCaptured() {
        return changes.get();
    }

    public String binlogPosition() {
        return binlogPosition.get();
    }
}
