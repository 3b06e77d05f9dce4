package com.piam.cdc.verify;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How long until the binlog file the capture reads would be purged. The source purges a file once it
 * has been closed for longer than its expiry (binlog_expire_logs_seconds); when the capture reads an
 * older file, that file was closed about (bytes written after it) / (write rate) ago. The write rate
 * comes from how the files grew between observations.
 */
final class BinlogRunway {

    /** One file of SHOW BINARY LOGS. */
    record File(String name, long size) {
    }

    /** {@code seconds} null when unlimited (no expiry) or unknown (see {@code kind}). */
    record Estimate(Kind kind, Long seconds) {
    }

    enum Kind {
        /** Binlogs never expire. */
        UNLIMITED,
        /** The capture reads the file being written: at least the expiry. */
        AT_LEAST_EXPIRY,
        /** The capture reads a closed file: expiry minus how long ago it was closed. */
        ESTIMATED,
        /** A closed file, but no write rate measured yet. */
        UNKNOWN,
        /** The file is no longer on the source. */
        GONE
    }

    private final Map<String, Long> lastSizes = new HashMap<>();
    private long lastAtMs;
    private double bytesPerSecond = -1;

    /** Bytes written per second (smoothed), or -1 before two observations. */
    double bytesPerSecond() {
        return bytesPerSecond;
    }

    /** Updates the write rate from how the files grew since the previous observation. */
    void observe(List<File> files, long nowMs) {
        if (lastAtMs > 0 && nowMs > lastAtMs) {
            long written = 0;
            for (File f : files) {
                written += Math.max(0, f.size() - lastSizes.getOrDefault(f.name(), 0L));
            }
            double rate = written * 1000.0 / (nowMs - lastAtMs);
            bytesPerSecond = bytesPerSecond < 0 ? rate : 0.7 * bytesPerSecond + 0.3 * rate;
        }
        lastSizes.clear();
        files.forEach(f -> lastSizes.put(f.name(), f.size()));
        lastAtMs = nowMs;
    }

    static Estimate estimate(List<File> files, String captureFile, long expirySeconds, double bytesPerSecond) {
        int at = -1;
        for (int i = 0; i < files.size(); i++) {
            if (files.get(i).name().equals(captureFile)) {
                at = i;
            }
        }
        if (at < 0) {
            return new Estimate(Kind.GONE, 0L);
        }
        if (expirySeconds <= 0) {
            return new Estimate(Kind.UNLIMITED, null);
        }
        if (at == files.size() - 1) {
            return new Estimate(Kind.AT_LEAST_EXPIRY, expirySeconds);
        }
        if (bytesPerSecond <= 0) {
            return new Estimate(Kind.UNKNOWN, null);
        }
        long after = 0;
        for (int i = at + 1; i < files.size(); i++) {
            after += files.get(i).size();
        }
        long closedAgo = (long) (after / bytesPerSecond);
        return new Estimate(Kind.ESTIMATED, Math.max(0, expirySeconds - closedAgo));
    }
}
