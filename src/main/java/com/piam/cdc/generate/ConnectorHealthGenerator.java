package com.piam.cdc.generate;

import com.piam.cdc.domain.ConnectorHealth;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One health row per connector per check: 85% OK, 10% WARN, 5% DOWN; latency 50-500 ms when OK,
 * 1000+ ms when WARN; events_per_minute measured from what the access event generator produced.
 */
public class ConnectorHealthGenerator {

    private record Previous(long events, Instant checkTime, Instant lastSuccess) {
    }

    private final List<DemoDimensions.Connector> connectors;
    private final ConnectorActivity activity;
    private final RandomGenerator random;
    private final Clock clock;
    private final Instant startedAt;
    private final Map<String, Previous> previous = new HashMap<>();

    public ConnectorHealthGenerator(List<DemoDimensions.Connector> connectors, ConnectorActivity activity,
                                    RandomGenerator random, Clock clock) {
        this.connectors = List.copyOf(connectors);
        this.activity = activity;
        this.random = random;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    public synchronized List<ConnectorHealth> check() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<ConnectorHealth> rows = new ArrayList<>(connectors.size());
        for (DemoDimensions.Connector c : connectors) {
            String key = c.tenantId() + '/' + c.connectorId();
            Previous prev = previous.getOrDefault(key, new Previous(0, startedAt, null));
            long events = activity.events(c.tenantId(), c.connectorId());
            double minutes = Math.max(1e-3, (now.toEpochMilli() - prev.checkTime().toEpochMilli()) / 60_000.0);
            float perMinute = (float) (Math.round((events - prev.events()) / minutes * 10) / 10.0);

            double roll = random.nextDouble();
            String status = roll < 0.85 ? "OK" : roll < 0.95 ? "WARN" : "DOWN";
            int latency;
            int errors;
            String message = null;
            String code = null;
            switch (status) {
                case "OK" -> {
                    latency = 50 + random.nextInt(451);
                    errors = random.nextInt(3);
                }
                case "WARN" -> {
                    latency = 1000 + random.nextInt(2001);
                    errors = 3 + random.nextInt(23);
                    message = "Slow responses from " + c.pacsVersion() + " host (" + latency + " ms)";
                    code = "W-LATENCY";
                }
                default -> {
                    latency = 5000 + random.nextInt(25001);
                    errors = 25 + random.nextInt(96);
                    message = "Connection to " + c.endpointUrl() + " timed out";
                    code = "E-TIMEOUT";
                }
            }
            Instant lastSuccess = "DOWN".equals(status) ? prev.lastSuccess() : now;
            rows.add(new ConnectorHealth(c.tenantId(), c.connectorId(), c.connectorName(), c.pacsType(),
                    c.pacsVersion(), now, status, latency, perMinute, errors,
                    activity.lastEventTime(c.tenantId(), c.connectorId()), message, code, c.endpointUrl(), lastSuccess,
                    ConnectorHealth.NO_SOURCE_ID));
            previous.put(key, new Previous(events, now, lastSuccess));
        }
        return rows;
    }
}
