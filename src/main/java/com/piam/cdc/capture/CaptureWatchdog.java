package com.piam.cdc.capture;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * Capture liveness, checked by the project itself: when neither a change nor a Debezium heartbeat
 * has arrived for {@code silenceLimitMs}, the engine is presumed dead (Camel still shows the route
 * Started) and capture-changes is restarted, with a growing pause between restarts. It resumes from
 * its stored offsets, so nothing is skipped.
 */
public class CaptureWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureWatchdog.class);
    private static final long MAX_BACKOFF_MS = 300_000;

    private final CamelContext context;
    private final CaptureLiveness liveness;
    private final long silenceLimitMs;
    private int restarts;
    private long nextRestartAllowedMs;
    private volatile String lastProblem = "";

    public CaptureWatchdog(CamelContext context, CaptureLiveness liveness, long silenceLimitMs) {
        this.context = context;
        this.liveness = liveness;
        this.silenceLimitMs = silenceLimitMs;
    }

    /** Called by the watch-capture timer. */
    public synchronized void check() throws Exception {
        ServiceStatus status = context.getRouteController().getRouteStatus(CaptureRoute.ROUTE_ID);
        if (status != ServiceStatus.Started) {
            liveness.started(); // stopped on purpose (e.g. over JMX): measure silence from its next start
            return;
        }
        long silent = liveness.millisSinceLastSignal();
        if (silent <= silenceLimitMs) {
            if (restarts > 0) {
                LOG.info("capture: engine alive again after {} restart(s)", restarts);
                restarts = 0;
                lastProblem = "";
            }
            return;
        }
        long now = System.currentTimeMillis();
        if (now < nextRestartAllowedMs) {
            return;
        }
        lastProblem = "capture: no change events or heartbeats for " + silent / 1000 + " s (engine stopped?), restarting at "
                + Instant.ofEpochMilli(now);
        LOG.warn("{} (restart {}; binlog position {})", lastProblem, restarts + 1, liveness.binlogPosition());
        context.getRouteController().stopRoute(CaptureRoute.ROUTE_ID);
        context.getRouteController().startRoute(CaptureRoute.ROUTE_ID);
        liveness.started();
        restarts++;
        nextRestartAllowedMs = now + Math.min(MAX_BACKOFF_MS, 5_000L << Math.min(restarts, 6));
    }

    /** Empty when capture is healthy; otherwise what the watchdog saw and did. */
    public String lastProblem() {
        return lastProblem;
    }

    public int restarts() {
        return restarts;
    }
}
