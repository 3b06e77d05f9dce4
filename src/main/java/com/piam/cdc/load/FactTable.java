package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.DeletedKey;
import com.piam.cdc.domain.PipelineTable;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.function.Function;

import static com.piam.cdc.load.FactColumn.dateTime;
import static com.piam.cdc.load.FactColumn.enum8;
import static com.piam.cdc.load.FactColumn.flag;
import static com.piam.cdc.load.FactColumn.float32;
import static com.piam.cdc.load.FactColumn.nullableDateTime;
import static com.piam.cdc.load.FactColumn.nullableString;
import static com.piam.cdc.load.FactColumn.string;
import static com.piam.cdc.load.FactColumn.uint32;
import static com.piam.cdc.load.FactColumn.uint8;
import static com.piam.cdc.load.FactColumn.uint64;

/**
 * A ClickHouse fact table and the spec's mapping of a cloudgate row onto its columns, plus the
 * pipeline metadata columns. ingest_ts_ms is not mapped per row: the loader stamps each batch.
 * {@code check} names a value the table's column cannot hold, before ClickHouse is asked: a
 * DateTime outside 1970-01-01 00:00:00 .. 2106-02-07 06:28:15 UTC is not refused by ClickHouse
 * 18.16 but silently stored as another time (1965 became 1970, 2200 became 0000-00-00), and its
 * epoch millis make the UInt64 *_ms column refuse the whole insert.
 */
public record FactTable<T>(String name, List<FactColumn<T>> columns, Function<Change<T>, String> check, Function<T, String> key,
        String keyColumn, Function<T, Integer> partition) {

    /** First and last instant whose second a ClickHouse DateTime holds (UInt32 seconds since 1970, UTC; the _ms column keeps the millis). */
    static final Instant DATETIME_MIN = Instant.EPOCH;
    static final Instant DATETIME_MAX = Instant.ofEpochSecond(0xFFFFFFFFL, 999_999_999); // 06:28:15.999: its second fits

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    public static FactTable<AccessEvent> accessEvents(String database) {
        return new FactTable<>(database + "." + PipelineTable.ACCESS_EVENTS.fact, List.of(
                string("event_id", c -> c.row().eventId()),
                string("tenant_id", c -> c.row().tenantId()),
                dateTime("event_time", c -> c.row().eventTime()),
                nullableString("person_id", c -> c.row().personId()),
                string("badge_id", c -> c.row().badgeId()),
                string("site_id", c -> c.row().siteId()),
                string("location_id", c -> c.row().locationId()),
                enum8("direction", c -> c.row().direction()),
                enum8("result", c -> c.row().result()),
                string("event_type", c -> c.row().eventType()),
                nullableString("deny_reason", c -> c.row().denyReason()),
                nullableString("deny_code", c -> c.row().denyCode()),
                enum8("pacs_source", c -> c.row().pacsSource().name()),
                string("pacs_event_id", c -> c.row().pacsEventId()),
                string("raw_payload", c -> c.row().rawPayload() == null ? "" : c.row().rawPayload()),
                uint8("suspicious_flag", c -> c.row().suspiciousFlag()),
                nullableString("suspicious_reason", c -> c.row().suspiciousReason()),
                float32("suspicious_score", c -> c.row().suspiciousScore()),
                uint64("event_time_ms", c -> c.row().eventTime().toEpochMilli()),
                uint64("source_ts_ms", Change::sourceTsMs),
                enum8("cdc_op", c -> c.op().code()),
                flag("is_deleted", Change::deleted),
                uint64("version", Change::version)),
                c -> firstProblem(dateTimeProblem("event_time", c.row().eventTime()), sourceTsProblem(c)),
                e -> "event_id=" + e.eventId(), "event_id", e -> month(e.eventTime()));
    }

    public static FactTable<ConnectorHealth> connectorHealth(String database) {
        return new FactTable<>(database + "." + PipelineTable.CONNECTOR_HEALTH.fact, List.of(
                string("tenant_id", c -> c.row().tenantId()),
                string("connector_id", c -> c.row().connectorId()),
                string("connector_name", c -> c.row().connectorName()),
                enum8("pacs_type", c -> c.row().pacsType().name()),
                nullableString("pacs_version", c -> c.row().pacsVersion()),
                dateTime("check_time", c -> c.row().checkTime()),
                enum8("status", c -> c.row().status()),
                uint32("latency_ms", c -> c.row().latencyMs()),
                float32("events_per_minute", c -> c.row().eventsPerMinute()),
                uint32("error_count_1h", c -> c.row().errorCount1h()),
                nullableDateTime("last_event_time", c -> c.row().lastEventTime()),
                nullableString("error_message", c -> c.row().errorMessage()),
                nullableString("error_code", c -> c.row().errorCode()),
                nullableString("endpoint_url", c -> c.row().endpointUrl()),
                nullableDateTime("last_successful_sync", c -> c.row().lastSuccessfulSync()),
                uint64("check_time_ms", c -> c.row().checkTime().toEpochMilli()),
                uint64("source_ts_ms", Change::sourceTsMs),
                enum8("cdc_op", c -> c.op().code()),
                flag("is_deleted", Change::deleted),
                uint64("version", Change::version),
                uint64("source_id", c -> c.row().sourceId())),
                c -> firstProblem(dateTimeProblem("check_time", c.row().checkTime()),
                        dateTimeProblem("last_event_time", c.row().lastEventTime()),
                        dateTimeProblem("last_successful_sync", c.row().lastSuccessfulSync()), sourceTsProblem(c)),
                h -> "connector_id=" + h.connectorId() + " check_time=" + h.checkTime(), "source_id", h -> month(h.checkTime()));
    }

    /** The column names in the loader's order (ingest_ts_ms, stamped per insert, not included). */
    public List<String> columnNames() {
        return columns.stream().map(FactColumn::name).toList();
    }

    /** A change's values for the text path's placeholders, in column order. */
    public Object[] values(Change<T> change) {
        Object[] values = new Object[columns.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = columns.get(i).textValue(change);
        }
        return values;
    }

    /**
     * The insert for one batch as SQL text, the fallback when the binary one cannot be used. The batch's ingest
     * time is written as a literal: it is the same for every row, and ClickHouse 18.16's legacy JDBC path needs
     * one non-placeholder value anyway.
     */
    public String insertSql(long ingestTsMs) {
        return "INSERT INTO " + name + " (" + String.join(", ", columnNames()) + ", ingest_ts_ms) VALUES ("
                + "?, ".repeat(columns.size()) + ingestTsMs + ")";
    }

    /** The insert for one batch in RowBinary: the rows follow the statement as data, ingest_ts_ms last in each row. */
    public String binaryInsertSql() {
        return "INSERT INTO " + name + " (" + String.join(", ", columnNames()) + ", ingest_ts_ms) FORMAT RowBinary";
    }

    /** Appends one row in RowBinary ({@link FactColumn.LeftToServer} for a value the server must judge). */
    void writeRow(Change<T> change, long ingestTsMs, RowBinaryOut out, ServerColumns.Layout layout) {
        for (int i = 0; i < columns.size(); i++) {
            columns.get(i).write(change, out, layout.enumCodes().get(i));
        }
        out.uint64(ingestTsMs);
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
        for (String c : columnNames()) {
            select.add(switch (c) {
                case "cdc_op" -> "'d'";
                case "is_deleted" -> "toUInt8(1)";
                case "version" -> versionOf;
                case "source_ts_ms" -> "transform(" + keyColumn + ", [" + keys + "], [" + sourceTs + "], toUInt64(0))";
                default -> c;
            });
        }
        return "INSERT INTO " + name + " (" + String.join(", ", columnNames()) + ", ingest_ts_ms) SELECT " + String.join(", ", select)
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
    static String dateTimeText(Instant t) {
        return t == null ? null : DATE_TIME.format(t);
    }
}
