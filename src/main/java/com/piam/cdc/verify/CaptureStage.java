package com.piam.cdc.verify;

import com.piam.cdc.capture.CaptureLease;
import com.piam.cdc.capture.CaptureLiveness;
import com.piam.cdc.capture.CaptureRoute;
import com.piam.cdc.capture.CaptureWatchdog;
import org.apache.camel.CamelContext;

import java.time.Instant;

import static com.piam.cdc.verify.VerifyText.age;

/**
 * The embedded capture: its engine runs, its binlog position moves, and it is not behind MySQL's
 * newest row for longer than the stale limit.
 */
final class CaptureStage implements Stage {

    /** The fact naming a table a snapshot reads now ("snapshot cg_access_event": its progress line). */
    static final String SNAPSHOT_FACT = "snapshot ";

    private final CamelContext context;
    private final Routes routes;
    private final long staleMs;
    private final long startedMs;
    private CaptureLiveness liveness;
    private CaptureWatchdog watchdog;
    private CaptureLease lease;
    private String lastPosition = "";
    private long positionMovedMs;

    CaptureStage(CamelContext context, long staleMs, long startedMs) {
        this.context = context;
        this.routes = new Routes(context);
        this.staleMs = staleMs;
        this.startedMs = startedMs;
        this.positionMovedMs = startedMs;
    }

    @Override
    public String name() {
        return "capture";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        long now = round.now;
        if (liveness == null) {
            liveness = context.getRegistry().lookupByNameAndType("captureLiveness", CaptureLiveness.class);
            watchdog = context.getRegistry().lookupByNameAndType("captureWatchdog", CaptureWatchdog.class);
            lease = context.getRegistry().lookupByNameAndType("captureLease", CaptureLease.class);
        }
        StageStatus.Builder b = StageStatus.of(name());
        if (liveness == null) {
            return b.problem("capture: not running (no capture state registered)").build();
        }
        if (lease != null && !leaseFacts(b, now)) {
            return b.build(); // standby: another runtime captures
        }
        String position = liveness.binlogPosition();
        if (!position.equals(lastPosition)) {
            lastPosition = position;
            positionMovedMs = now;
        }
        String problem = watchdog == null ? "" : watchdog.lastProblem();
        b.fact("route", routes.status(CaptureRoute.ROUTE_ID))
                .fact("engine", watchdog == null ? "running" : watchdog.engineState())
                .fact("changes_captured", liveness.changesCaptured())
                .fact("last_change_age", liveness.lastChangeMs() == 0 ? "none yet" : age(now - liveness.lastChangeMs()))
                .fact("binlog_position", position.isEmpty() ? "none yet" : position)
                .fact("binlog_position_moved", age(now - positionMovedMs) + " ago");
        if (watchdog != null) {
            b.fact("restarts", watchdog.restarts());
        }
        // a snapshot reading (the initial one, or make snapshot): how far, of about how many, how long still
        liveness.snapshotProgress().forEach((table, progress) -> b.fact(SNAPSHOT_FACT + table, progress.text()));
        MysqlProbe.Facts source = round.mysql();
        if (!problem.isEmpty()) {
            b.problem(problem);
        } else if (!routes.started(CaptureRoute.ROUTE_ID)) {
            b.problem("capture: route " + CaptureRoute.ROUTE_ID + " is " + routes.status(CaptureRoute.ROUTE_ID)
                    + "; MySQL changes wait in the binlog");
        } else if (source.newestRowAgeMs() != null) {
            // rows newer than anything captured, for longer than the stale limit: capture is stuck
            long newestRowMs = now - source.newestRowAgeMs();
            long capturedUpToMs = Math.max(liveness.lastSourceTsMs(), startedMs);
            long behind = newestRowMs - capturedUpToMs;
            if (behind > staleMs) {
                b.problem("capture: " + age(behind) + " behind MySQL (captured up to binlog " + position + ", server at "
                        + source.serverBinlog() + "); see the Debezium lines in the log");
            }
        }
        return b.build();
    }


    /**
     * CAPTURE_LEASE=true: who holds the lease, since when (here), the lease group's members; true when this
     * runtime holds it (the capture checks follow), false on standby. Nobody holding it for longer than the
     * stale limit is a problem.
     */
    private boolean leaseFacts(StageStatus.Builder b, long now) {
        b.fact("lease", lease.held() ? "held here since " + Instant.ofEpochMilli(lease.heldSinceMs()) : "standby");
        try {
            CaptureLease.Status s = lease.describe();
            b.fact("capturing", s.holder() == null ? "nobody" : s.holder()).fact("lease_members", String.join(", ", s.members()));
            if (s.holder() == null && s.noHolderSinceMs() > 0 && now - s.noHolderSinceMs() > staleMs) {
                b.problem("capture: no runtime has held the capture lease for " + age(now - s.noHolderSinceMs()) + " (group "
                        + lease.group() + "); is a runtime with CAPTURE_LEASE=true up?");
            }
        } catch (Exception e) {
            b.fact("capturing", "unknown (" + e.getMessage() + ")");
        }
        return lease.held();
    }
}
