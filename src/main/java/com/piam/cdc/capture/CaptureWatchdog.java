package com.piam.cdc.capture;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.debezium.DebeziumConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * Capture liveness, checked by the project itself. camel-debezium runs the Debezium engine as one
 * task on the consumer's own executor; when the engine fails, Camel only logs it and the route stays
 * "Started". The watchdog sees the task gone and restarts capture-changes, pausing longer after each
 * failed restart (10 s, 20 s, ... up to 5 min). Capture resumes from its stored offsets.
 *
 * <p>It fails closed: when it cannot see the engine's task (the route reads from another endpoint, a camel-debezium
 * upgrade runs the engine elsewhere), capture is reported "cannot observe the capture engine: …" (the verifier's
 * capture stage fails) instead of "running".
 *
 * <p>Heartbeats cannot serve here: Debezium emits them only while binlog events flow, so an idle
 * source is silent too. Silence is still reported (CaptureLiveness) for the verifier.
 */
public class CaptureWatchdog {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureWatchdog.class);
    private static final long MAX_BACKOFF_MS = 300_000;
    /** A restarted engine that keeps running this long (or sends a signal) counts as recovered. */
    private static final long RECOVERED_AFTER_MS = 60_000;

    private final CamelContext context;
    private final CaptureLiveness liveness;
    private final KafkaChangeSender sender;
    private int restarts;
    private long lastRestartMs;
    private long nextRestartAllowedMs;
    private long engineStoppedMs;
    private volatile String lastProblem = "";
    private volatile String engineState = "running";
    private volatile CaptureLease lease;

    public CaptureWatchdog(CamelContext context, CaptureLiveness liveness, KafkaChangeSender sender) {
        this.context = context;
        this.liveness = liveness;
        this.sender = sender;
    }

    /** CAPTURE_LEASE=true: capture restarts only while this runtime holds the lease, and a fenced one steps down. */
    public void leasedBy(CaptureLease lease) {
        this.lease = lease;
    }

    /** Called by the watch-capture timer. */
    public synchronized void check() throws Exception {
        if (context.getRouteController().getRouteStatus(CaptureRoute.ROUTE_ID) != ServiceStatus.Started) {
            return; // stopped on purpose (e.g. over JMX): nothing to watch
        }
        CaptureLease l = lease;
        if (l != null && sender.fenced()) {
            lastProblem = "capture: fenced by another runtime's capture (" + sender.failure() + ")";
            l.stepDown(lastProblem);
            return; // never restarted here: that would fence the runtime that holds the lease now
        }
        long now = System.currentTimeMillis();
        boolean running;
        try {
            running = engineRunning();
        } catch (IllegalStateException unobservable) {
            String problem = "capture: cannot observe the capture engine: " + unobservable.getMessage();
            if (!problem.equals(lastProblem)) {
                LOG.warn("{}; engine failures would go unnoticed, so capture is reported as not verified", problem);
            }
            lastProblem = problem;
            engineState = "not observable";
            return; // not restarted: nothing says it stopped
        }
        String senderFailure = sender.failure();
        if (running && senderFailure.isEmpty()) {
            engineStoppedMs = 0;
            if (lastProblem.startsWith("capture: cannot observe")) {
                lastProblem = "";
            }
            engineState = "running";
            if (restarts > 0 && (liveness.signalledSince(lastRestartMs) || now - lastRestartMs > RECOVERED_AFTER_MS)) {
                LOG.info("capture: engine running again after {} restart(s)", restarts);
                restarts = 0;
                lastProblem = "";
            }
            return;
        }
        if (engineStoppedMs == 0) {
            engineStoppedMs = now;
        }
        engineState = "restarting";
        lastProblem = running
                ? "capture: held back since " + Instant.ofEpochMilli(engineStoppedMs) + " (" + senderFailure + "), restarting"
                : "capture: engine stopped " + Instant.ofEpochMilli(engineStoppedMs) + ", restarting";
        if (now < nextRestartAllowedMs) {
            return;
        }
        String position = liveness.binlogPosition();
        LOG.warn("{} (restart {}{}; the engine's error is logged above by Debezium)", lastProblem, restarts + 1,
                position == null || position.isEmpty() ? "" : "; last binlog position " + position);
        if (l == null) {
            context.getRouteController().stopRoute(CaptureRoute.ROUTE_ID);
            context.getRouteController().startRoute(CaptureRoute.ROUTE_ID);
        } else if (!l.restartCapture(CaptureRoute.ROUTE_ID)) {
            return; // the lease went meanwhile
        }
        liveness.started();
        lastRestartMs = now;
        restarts++;
        nextRestartAllowedMs = now + Math.min(MAX_BACKOFF_MS, 5_000L << Math.min(restarts, 6));
    }

    /**
     * Whether the Debezium engine task is still running (or about to) on the executor camel-debezium's consumer got
     * from {@link CaptureEndpoint}; an {@link IllegalStateException} saying why when that cannot be seen.
     */
    boolean engineRunning() {
        Route route = context.getRoute(CaptureRoute.ROUTE_ID);
        if (route == null) {
            throw new IllegalStateException("no route " + CaptureRoute.ROUTE_ID);
        }
        if (!(route.getEndpoint() instanceof CaptureEndpoint endpoint) || !(route.getConsumer() instanceof DebeziumConsumer)) {
            throw new IllegalStateException("route " + CaptureRoute.ROUTE_ID + " reads from " + route.getEndpoint().getClass().getName()
                    + ", not from the project's CaptureEndpoint (debezium-mysql: component of CaptureComponent)");
        }
        ExecutorService executor = endpoint.engineExecutor();
        if (executor == null) {
            throw new IllegalStateException("camel-debezium's consumer started without asking DebeziumEndpoint.createExecutor for "
                    + "its engine's executor (changed in this camel-debezium version? CaptureWatchdogTest pins it)");
        }
        if (executor instanceof ThreadPoolExecutor pool) {
            return pool.getActiveCount() > 0 || !pool.getQueue().isEmpty();
        }
        throw new IllegalStateException("the engine's executor is a " + executor.getClass().getName() + ", whose task cannot be seen");
    }

    /** running, restarting, or not observable: what the verifier shows as the capture engine's state. */
    public String engineState() {
        return engineState;
    }

    /** Empty when capture is healthy; otherwise what the watchdog saw and does. */
    public String lastProblem() {
        return lastProblem;
    }

    public int restarts() {
        return restarts;
    }
}
