package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.DeletedKey;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.function.Function;

/**
 * A ClickHouse fact table and the spec's mapping of a cloudgate row onto its columns, plus the
 * pipeline metadata columns. ingest_ts_ms is not mapped per row: the loader stamps each batch.
 * {@code check} names a value the table's column cannot hold, before ClickHouse is asked: a
 * DateTime outside 1970-01-01 00:00:00 .. 2106-02-07 06:28:15 UTC is not refused by ClickHouse
 * 18.16 but silently stored as another time (1965 became 1970, 2200 became 0000-00-00), and its
 * epoch millis make the UInt64 *_ms column refuse the whole insert.
 */
public record FactTable<T>(String name, List<String> columns, Function<Change<T>, Object[]> values,
        Function<Change<T>, String> check, Function<T, String> key, String keyColumn, Function<T, Integer> partition) {

    /** First and last second a ClickHouse DateTime holds (UInt32 seconds since 1970, UTC). */
    static final Instant DATETIME_MIN = Instant.EPOCH;
    static final Instant DATETIME_MAX = Instant.ofEpochSecond(0xFFFFFFFFL);

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
                },
                c -> firstProblem(dateTimeProblem("event_time", c.row().eventTime()), sourceTsProblem(c)),
                e -> "event_id=" + e.eventId(), "event_id", e -> month(e.eventTime()));
    }

    public static FactTable<ConnectorHealth> connectorHealth(String database) {
        return new FactTable<>(database + ".fact_connector_health", List.of(
                "tenant_id", "connector_id", "connector_name", "pacs_type", "pacs_version", "check_time", "status",
                "latency_ms", "events_per_minute", "error_count_1h", "last_event_time", "error_message", "error_code",
                "endpoint_url", "last_successful_sync",
                "check_time_ms", "source_ts_ms", "cdc_op", "is_deleted", "version", "source_id"),
                c -> {
                    ConnectorHealth h = c.row();
                    return new Object[]{
                            h.tenantId(), h.connectorId(), h.connectorName(), h.pacsType().name(), h.pacsVersion(),
                            dateTime(h.checkTime()), h.status(), h.latencyMs(), h.eventsPerMinute(), h.errorCount1h(),
                            dateTime(h.lastEventTime()), h.errorMessage(), h.errorCode(), h.endpointUrl(),
                            dateTime(h.lastSuccessfulSync()),
                            h.checkTime().toEpochMilli(), c.sourceTsMs(), c.op().code(), c.deleted() ? 1 : 0, c.version(),
                            h.sourceId()};
                },
                c -> firstProblem(dateTimeProblem("check_time", c.row().checkTime()),
                        dateTimeProblem("last_event_time", c.row().lastEventTime()),
                        dateTimeProblem("last_successful_sync", c.row().lastSuccessfulSync()), sourceTsProblem(c)),
                h -> "connector_id=" + h.connectorId() + " check_time=" + h.checkTime(), "source_id", h -> month(h.checkTime()));
    }

    /**
     * The insert for one batch. The batch's ingest time is written as a literal: it is the same for
     * every row, and ClickHouse 18.16's legacy JDBC path needs one non-placeholder value anyway.
     */
    public String insertSql(long ingestTsMs) {
        return "INSERT INTO " + name + " (" + String.join(", ", columns) + ", ingest_ts_ms) VALUES ("
                + "?, ".repeat(columns.size()) + ingestTsMs + ")";
    }

    /**
     * Deletes known only by their key (tombstones): one INSERT ... SELECT that copies, per key, the
     * newest row older than the delete, with cdc_op 'd', is_deleted 1 and the delete's version and
     * source time. "Older than the delete" matters when the key is inserted again after it: the
     * re-insert (larger version) is left alone and wins under FINAL. A key with no row yet writes nothing.
     */
    public String deleteByKeySql(List<Change<DeletedKey>> deletes, long ingestTsMs) {
        if (keyColumn == null) {
            throw new IllegalStateException(name + " takes no deletes by key");
        }
        String keys = deletes.stream().map(d -> d.row().numeric() ? "toUInt64(" + Long.parseLong(d.row().value()) + ")"
                : literal(d.row().value())).collect(Collectors.joining(","));
        String versions = deletes.stream().map(d -> "toUInt64(" + d.version() + ")").collect(Collectors.joining(","));
        String sourceTs = deletes.stream().map(d -> "toUInt64(" + Math.max(0, d.sourceTsMs()) + ")").collect(Collectors.joining(","));
        String versionOf = "transform(" + keyColumn + ", [" + keys + "], [" + versions + "], toUInt64(0))";
        List<String> select = new ArrayList<>();
        for (String c : columns) {
            select.add(switch (c) {
                case "cdc_op" -> "'d'";
                case "is_deleted" -> "toUInt8(1)";
                case "version" -> versionOf;
                case "source_ts_ms" -> "transform(" + keyColumn + ", [" + keys + "], [" + sourceTs + "], toUInt64(0))";
                default -> c;
            });
        }
        return "INSERT INTO " + name + " (" + String.join(", ", columns) + ", ingest_ts_ms) SELECT " + String.join(", ", select)
                + ", " + ingestTsMs + " FROM (SELECT * FROM " + name + " WHERE " + keyColumn + " IN (" + keys + ") AND version < "
                + versionOf + " ORDER BY version DESC LIMIT 1 BY " + keyColumn + ")";
    }

    /** A ClickHouse string literal. */
    static String literal(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** What is wrong with the change for this table, or null when every value fits its column. */
    public String problem(Change<T> change) {
        return check.apply(change);
    }

    /** "event_time 1965-03-01T10:00:00Z is before 1970 (ClickHouse DateTime holds ...)", or null. */
    static String dateTimeProblem(String column, Instant t) {
        if (t == null || (!t.isBefore(DATETIME_MIN) && !t.isAfter(DATETIME_MAX))) {
            return null;
        }
        return column + " " + t + (t.isBefore(DATETIME_MIN) ? " is before 1970" : " is after 2106-02-07 06:28:15")
                + " (ClickHouse DateTime holds 1970-01-01 00:00:00 to 2106-02-07 06:28:15 UTC)";
    }

    private static String sourceTsProblem(Change<?> c) {
        return c.sourceTsMs() < 0 ? "source commit time " + c.sourceTsMs() + " is negative (ClickHouse UInt64 source_ts_ms)" : null;
    }

    private static String firstProblem(String... problems) {
        for (String p : problems) {
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    /** The table's partition of a time: toYYYYMM in UTC, as PARTITION BY says in ops/clickhouse-init/01_schema.sql. */
    static int month(Instant t) {
        java.time.ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        return z.getYear() * 100 + z.getMonthValue();
    }

    /** ClickHouse DateTime text in UTC (second precision; the *_ms columns keep the milliseconds). */
    static String dateTime(Instant t) {
        return t == null ? null : DATE_TIME.format(t);
    }
}
