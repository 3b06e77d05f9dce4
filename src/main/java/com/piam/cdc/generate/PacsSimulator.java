package com.piam.cdc.generate;

import com.piam.cdc.Retry;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.ConnectorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generators as the routes see them: loads the demo dimensions from ClickHouse on first use
 * (retrying quietly while ClickHouse is not up yet), paces access events to EVENT_RATE_PER_SECOND
 * and logs the achieved rate once a minute.
 */
public class PacsSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(PacsSimulator.class);
    private static final long DIMENSIONS_RETRY_MS = 5_000;
    private static final long PROGRESS_LOG_MS = 60_000;

    private final PipelineSettings settings;
    private final Callable<DemoDimensions> dimensionsSource;
    private final Clock clock;
    private final ConnectorActivity activity = new ConnectorActivity();
    private final AtomicLong accessEventsGenerated = new AtomicLong();
    private final AtomicLong healthRowsGenerated = new AtomicLong();

    private volatile BooleanSupplier active = () -> true;
    private volatile AccessEventGenerator accessEvents;
    private volatile ConnectorHealthGenerator health;
    private long nextDimensionsAttemptMs;
    private double carry;
    private long generatedSinceLog;
    private long lastLogMs;

    public PacsSimulator(PipelineSettings settings, Callable<DemoDimensions> dimensionsSource, Clock clock) {
        this.settings = settings;
        this.dimensionsSource = dimensionsSource;
        this.clock = clock;
        this.lastLogMs = clock.millis();
    }

    /**
     * Generates only while {@code condition} holds (CAPTURE_LEASE=true: while this runtime holds the capture
     * lease, so the demo load comes from one runtime at a time and moves with a fail-over).
     */
    public void activeWhile(BooleanSupplier condition) {
        this.active = condition;
    }

    /** The access events due this tick (EVENT_RATE_PER_SECOND x GENERATOR_TICK_MS, fractions carried over). */
    public synchronized List<AccessEvent> accessEventsForTick() {
        if (!active.getAsBoolean()) {
            carry = 0;
            return List.of();
        }
        if (!ready()) {
            return List.of();
        }
        carry += settings.eventRatePerSecond() * settings.generatorTickMs() / 1000.0;
        int n = (int) carry;
        carry -= n;
        List<AccessEvent> events = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(accessEvents.next());
        }
        accessEventsGenerated.addAndGet(n);
        logProgress(n);
        return events;
    }

    /** One health row per connector of the configured tenants. */
    public List<ConnectorHealth> healthChecks() {
        synchronized (this) {
            if (!active.getAsBoolean() || !ready()) {
                return List.of();
            }
        }
        List<ConnectorHealth> rows = health.check();
        healthRowsGenerated.addAndGet(rows.size());
        return rows;
    }

    /** Access events generated since start (every one is handed to MySQL or the loader). */
    public long accessEventsGenerated() {
        return accessEventsGenerated.get();
    }

    public long healthRowsGenerated() {
        return healthRowsGenerated.get();
    }

    public ConnectorActivity activity() {
        return activity;
    }

    private boolean ready() {
        if (accessEvents != null) {
            return true;
        }
        long now = clock.millis();
        if (now < nextDimensionsAttemptMs) {
            return false;
        }
        try {
            DemoDimensions dims = dimensionsSource.call();
            List<DemoDimensions.Tenant> tenants = settings.tenants().stream().map(dims::tenant).toList();
            List<DemoDimensions.Connector> connectors = tenants.stream()
                    .flatMap(t -> t.connectorsById().values().stream()).toList();
            SplittableRandom seed = new SplittableRandom();
            health = new ConnectorHealthGenerator(connectors, activity, seed.split(), clock);
            accessEvents = new AccessEventGenerator(tenants, settings.grantRatio(), settings.suspiciousRatio(),
                    seed.split(), clock, activity);
            LOG.info("Demo dimensions loaded: tenants {}, {} connectors, {} people; generating {} access events/s",
                    settings.tenants(), connectors.size(), dims.people().size(), settings.eventRatePerSecond());
            return true;
        } catch (Exception e) {
            nextDimensionsAttemptMs = now + DIMENSIONS_RETRY_MS;
            LOG.warn("Generators waiting: cannot load demo dimensions from ClickHouse ({}); retrying in {} s",
                    Retry.rootMessage(e), DIMENSIONS_RETRY_MS / 1000);
            return false;
        }
    }

    private void logProgress(int generated) {
        generatedSinceLog += generated;
        long now = clock.millis();
        if (now - lastLogMs >= PROGRESS_LOG_MS) {
            double rate = generatedSinceLog * 1000.0 / (now - lastLogMs);
            LOG.info("Generated {} access events in the last {} s ({} /s, target {} /s)", generatedSinceLog,
                    (now - lastLogMs) / 1000, String.format("%.1f", rate), settings.eventRatePerSecond());
            generatedSinceLog = 0;
            lastLogMs = now;
        }
    }
}
