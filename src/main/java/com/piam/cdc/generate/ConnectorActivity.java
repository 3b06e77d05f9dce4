package com.piam.cdc.generate;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Events generated per connector so far, so health checks report the generator's actual rate. */
public class ConnectorActivity {

    private record Counter(AtomicLong events, AtomicLong lastEventMs) {
    }

    private final Map<String, Counter> byConnector = new ConcurrentHashMap<>();

    void record(String tenantId, String connectorId, Instant eventTime) {
        Counter c = byConnector.computeIfAbsent(key(tenantId, connectorId), k -> new Counter(new AtomicLong(), new AtomicLong()));
        c.events().incrementAndGet();
        c.lastEventMs().accumulateAndGet(eventTime.toEpochMilli(), Math::max);
    }

    public long events(String tenantId, String connectorId) {
        Counter c = byConnector.get(key(tenantId, connectorId));
        return c == null ? 0 : c.events().get();
    }

    /** Time of the newest event for the connector, or null when it has none yet. */
    public Instant lastEventTime(String tenantId, String connectorId) {
        Counter c = byConnector.get(key(tenantId, connectorId));
        return c == null ? null : Instant.ofEpochMilli(c.lastEventMs().get());
    }

    private static String key(String tenantId, String connectorId) {
        return tenantId + '/' + connectorId;
    }
}
