package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Function;

/**
 * A ClickHouse fact table and the spec's mapping of a cloudgate row onto its columns, plus the
 * pipeline metadata columns. ingest_ts_ms is not mapped per row: the loader stamps each batch.
 */
public record FactTable<T>(String name, List<String> columns, Function<Change<T>, Object[]> values) {

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public static FactTable<AccessEvent> accessEvents(String database) {
        return new FactTable<>(database + ".fact_access_events", List.of(
                "event_id", "tenant_id", "event_time", "person_id", "badge_id", "site_id", "location_id",
                "direction", "result", "event_type", "deny_reason", "deny_code", "pacs_source", "pacs_event_id",
                "raw_payload", "suspicious_flag", "suspicious_reason", "suspicious_score",
                "event_time_ms", "source_ts_ms", "cdc_op", "is_deleted", "version"),
                c -> {
                    AccessEvent e = c.row();
                    return new Object[]{
                            e.eventId(), e.tenantId(), dateTime(e.eventTime()), e.personId(), e.badgeId(), e.siteId(),
                            e.locationId(), e.direction(), e.result(), e.eventType(), e.denyReason(), e.denyCode(),
                            e.pacsSource().name(), e.pacsEventId(), e.rawPayload() == null ? "" : e.rawPayload(),
                            e.suspicious() ? 1 : 0, e.suspiciousReason(), e.suspiciousScore(),
                            e.eventTime().toEpochMilli(), c.sourceTsMs(), c.op().code(), c.deleted() ? 1 : 0, c.version()};
                });
    }

    public static FactTable<ConnectorHealth> connectorHealth(String database) {
        return new FactTable<>(database + ".fact_connector_health", List.of(
                "tenant_id", "connector_id", "connector_name", "pacs_type", "pacs_version", "check_time", "status",
                "latency_ms", "events_per_minute", "error_count_1h", "last_event_time", "error_message", "error_code",
                "endpoint_url", "last_successful_sync",
                "check_time_ms", "source_ts_ms", "cdc_op", "is_deleted", "version"),
                c -> {
                    ConnectorHealth h = c.row();
                    return new Object[]{
                            h.tenantId(), h.connectorId(), h.connectorName(), h.pacsType().name(), h.pacsVersion(),
                            dateTime(h.checkTime()), h.status(), h.latencyMs(), h.eventsPerMinute(), h.errorCount1h(),
                            dateTime(h.lastEventTime()), h.errorMessage(), h.errorCode(), h.endpointUrl(),
                            dateTime(h.lastSuccessfulSync()),
                            h.checkTime().toEpochMilli(), c.sourceTsMs(), c.op().code(), c.deleted() ? 1 : 0, c.version()};
                });
    }

    /**
     * The insert for one batch. The batch's ingest time is written as a literal: it is the same for
     * every row, and ClickHouse 18.16's legacy JDBC path needs one non-placeholder value anyway.
     */
    public String insertSql(long ingestTsMs) {
        return "INSERT INTO " + name + " (" + String.join(", ", columns) + ", ingest_ts_ms) VALUES ("
                + "?, ".repeat(columns.size()) + ingestTsMs + ")";
    }

    /** ClickHouse DateTime text in UTC (second precision; the *_ms columns keep the milliseconds). */
    static String dateTime(Instant t) {
        return t == null ? null : DATE_TIME.format(t);
    }
}
