package com.piam.cdc.verify;

import com.piam.cdc.capture.CaptureLiveness;
import org.apache.camel.CamelContext;

import java.util.List;
import java.util.Locale;

import static com.piam.cdc.verify.VerifyText.age;

/**
 * The binlog runway: the oldest file the source keeps, where the capture reads, and how long until that
 * file would be purged at the current write rate and expiry. DEGRADED below VERIFY_BINLOG_MARGIN_MINUTES,
 * and when the capture's file is already gone (it has to snapshot again), with when that was first seen.
 */
final class BinlogStage implements Stage {

    private final CamelContext context;
    private final long marginSeconds;
    private final BinlogRunway runway = new BinlogRunway();
    private CaptureLiveness liveness;
    private long goneSinceMs;

    BinlogStage(CamelContext context, int marginMinutes) {
        this.context = context;
        this.marginSeconds = marginMinutes * 60L;
    }

    @Override
    public String name() {
        return "binlog";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        StageStatus.Builder b = StageStatus.of(name());
        MysqlProbe.Facts f = round.mysql();
        if (f.error() != null) {
            return b.fact("runway", "unknown (MySQL not answering)").build();
        }
        if (!f.binlogError().isEmpty()) {
            return b.fact("runway", "unknown").problem("binlog: cannot read the binary logs as the monitor user: " + f.binlogError()
                    + " (it needs REPLICATION CLIENT, ops/mysql-init/02_grants.sql)").build();
        }
        List<BinlogRunway.File> files = f.binlogFiles();
        runway.observe(files, round.now);
        if (files.isEmpty()) {
            return b.fact("runway", "unknown (the source lists no binary logs)").build();
        }
        BinlogRunway.File newest = files.get(files.size() - 1);
        b.fact("oldest_file", files.get(0).name())
                .fact("server_position", newest.name() + ":" + newest.size())
                .fact("expiry", f.expirySeconds() <= 0 ? "never" : age(f.expirySeconds() * 1000))
                .fact("write_rate", runway.bytesPerSecond() < 0 ? "measuring" : rate(runway.bytesPerSecond()));
        if (liveness == null) {
            liveness = context.getRegistry().lookupByNameAndType("captureLiveness", CaptureLiveness.class);
        }
        String position = liveness == null ? "" : liveness.binlogPosition();
        if (position.isEmpty()) {
            return b.fact("capture_position", "none yet (no change captured since start)").build();
        }
        String file = position.substring(0, position.lastIndexOf(':'));
        b.fact("capture_position", position);
        BinlogRunway.Estimate e = BinlogRunway.estimate(files, file, f.expirySeconds(), runway.bytesPerSecond());
        if (e.kind() != BinlogRunway.Kind.GONE) {
            goneSinceMs = 0;
        }
        switch (e.kind()) {
            case UNLIMITED -> b.fact("runway", "unlimited (binlogs never expire)");
            case UNKNOWN -> b.fact("runway", "unknown until the write rate is measured");
            case GONE -> {
                goneSinceMs = goneSinceMs == 0 ? round.now : goneSinceMs;
                b.fact("runway", "none: " + file + " is gone").problem("binlog: the capture's file " + file + " is no longer on the "
                        + "source (oldest kept: " + files.get(0).name() + ") since " + VerifyText.clock(goneSinceMs)
                        + ": the capture has to snapshot again; see the Debezium lines in the log");
            }
            case AT_LEAST_EXPIRY, ESTIMATED -> {
                String text = (e.kind() == BinlogRunway.Kind.AT_LEAST_EXPIRY ? "at least " : "about ") + age(e.seconds() * 1000);
                b.fact("runway", text);
                if (e.seconds() < marginSeconds) {
                    b.problem("binlog: the file the capture reads (" + file + ") would be purged in " + text + " (expiry "
                            + age(f.expirySeconds() * 1000) + "), less than the margin of " + age(marginSeconds * 1000)
                            + " (VERIFY_BINLOG_MARGIN_MINUTES); let the capture catch up, or raise binlog_expire_logs_seconds");
                }
            }
            default -> throw new IllegalStateException(e.kind().name());
        }
        return b.build();
    }

    private static String rate(double bytesPerSecond) {
        return bytesPerSecond < 1024 ? String.format(Locale.ROOT, "%.0f B/s", bytesPerSecond)
                : String.format(Locale.ROOT, "%.1f KB/s", bytesPerSecond / 1024);
    }
}
