package com.piam.cdc.consume;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.DeletedKey;
import com.piam.cdc.domain.PacsType;
import com.piam.cdc.record.BadRecordException;
import com.piam.cdc.record.FlatRow;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.Versions;

import java.time.Instant;
import java.util.Locale;

import static com.piam.cdc.record.BadRecordException.clip;

/**
 * The spec's mapping from a CDC record (flattened Debezium JSON: the row's columns plus __op and
 * __ts_ms, as ExtractNewRecordState with add.fields=op,ts_ms writes it) to the row the loader
 * writes. Accepts records from this runtime's capture and from a Debezium Connect running
 * ops/debezium/connector-config.json. Deletes arrive as the deleted row with __op=d (or
 * __deleted=true, Debezium's rewrite mode); tombstones (no value) carry no row.
 *
 * <p>Version (which copy of a key survives ReplacingMergeTree FINAL): the binlog coordinates in
 * the record's version header when our capture put them there, otherwise the Kafka record's
 * timestamp and offset ({@link Versions}).
 *
 * <p>Values are checked against the source columns' types (enums, unsigned integers, finite
 * numbers); a value that does not fit makes the record bad, with the column and value in the reason.
 */
public final class ChangeMapping {

    /** What the mapping needs to know of the Kafka record besides its value. */
    public record RecordMeta(String versionHeader, String sourceTsHeader, long timestampMs, long offset) {
    }

    private ChangeMapping() {
    }

    public static Change<AccessEvent> accessEvent(FlatRow row, RecordMeta meta)
            throws BadRecordException {
        AccessEvent e = new AccessEvent(
                text(row, "event_id", true), text(row, "tenant_id", true), time(row, "event_time", true),
                text(row, "person_id", false), text(row, "badge_id", true), text(row, "site_id", true),
                text(row, "location_id", true), oneOf(row, "direction", "IN", "OUT"), oneOf(row, "result", "GRANT", "DENY"),
                text(row, "event_type", true), text(row, "deny_reason", false), text(row, "deny_code", false),
                pacs(row, "pacs_source"), text(row, "pacs_event_id", true), text(row, "raw_payload", false),
                uint8(row, "suspicious_flag"), text(row, "suspicious_reason", false),
                (float) number(row, "suspicious_score", 0));
        return change(row, e, meta);
    }

    public static Change<ConnectorHealth> connectorHealth(FlatRow row, RecordMeta meta)
            throws BadRecordException {
        ConnectorHealth h = new ConnectorHealth(
                text(row, "tenant_id", true), text(row, "connector_id", true), text(row, "connector_name", true),
                pacs(row, "pacs_type"), text(row, "pacs_version", false), time(row, "check_time", true),
                oneOf(row, "status", "OK", "WARN", "DOWN"), unsigned(row, "latency_ms", -1),
                (float) number(row, "events_per_minute", 0), unsigned(row, "error_count_1h", 0),
                time(row, "last_event_time", false), text(row, "error_message", false), text(row, "error_code", false),
                text(row, "endpoint_url", false), time(row, "last_successful_sync", false), sourceId(row, "id"));
        if (h.latencyMs() < 0) {
            throw new BadRecordException("latency_ms is missing");
        }
        return change(row, h, meta);
    }

    /**
     * A tombstone of cg_access_event: the delete of the row its key names (event_id), versioned by
     * the Kafka record (timestamp, offset), so it orders after the change it deletes.
     */
    public static Change<DeletedKey> accessEventDeleted(FlatRow key, RecordMeta meta) throws BadRecordException {
        if (key == null) {
            return null;
        }
        return deleted(new DeletedKey("event_id", text(key, "event_id", true), false), meta);
    }

    /** A tombstone of cg_connector_health: the delete of the row whose source id (the AUTO_INCREMENT id) its key names. */
    public static Change<DeletedKey> connectorHealthDeleted(FlatRow key, RecordMeta meta) throws BadRecordException {
        if (key == null) {
            return null;
        }
        long id = sourceId(key, "id");
        if (id == ConnectorHealth.NO_SOURCE_ID) {
            throw new BadRecordException("a delete of cg_connector_health by key " + clip(key.json()) + " has no id");
        }
        return deleted(new DeletedKey("source_id", String.valueOf(id), true), meta);
    }

    /** A BIGINT id column (0 when absent). */
    private static long sourceId(FlatRow row, String field) throws BadRecordException {
        int n = row.index(field);
        if (row.isNull(n)) {
            return ConnectorHealth.NO_SOURCE_ID;
        }
        if (row.isLong(n) && row.longValue(n) > 0) {
            return row.longValue(n);
        }
        if (row.isText(n) && row.text(n).matches("[1-9][0-9]{0,18}")) {
            return Long.parseLong(row.text(n));
        }
        throw new BadRecordException(field + "=" + clip(row.json(n)) + " is not a positive whole number (a BIGINT id)");
    }

    private static Change<DeletedKey> deleted(DeletedKey key, RecordMeta meta) throws BadRecordException {
        if (meta.timestampMs() <= 0) {
            throw new BadRecordException("a delete by key (" + key.column() + "=" + clip(key.value())
                    + ") without a record timestamp cannot be ordered after the row it deletes");
        }
        return new Change<>(key, Change.Op.DELETE, meta.timestampMs(), Versions.ofRecord(meta.timestampMs(), meta.offset()));
    }

    private static <T> Change<T> change(FlatRow row, T value, RecordMeta meta) throws BadRecordException {
        Change.Op op = op(row);
        long tsMs = (long) number(row, RecordFormat.TS_MS, 0);
        long recordTs = meta.timestampMs() > 0 ? meta.timestampMs() : tsMs;
        long sourceTs = meta.sourceTsHeader() != null ? parseLong(meta.sourceTsHeader(), RecordFormat.SOURCE_TS_HEADER)
                : tsMs > 0 ? tsMs : recordTs;
        long version;
        if (meta.versionHeader() != null) {
            version = parseLong(meta.versionHeader(), RecordFormat.VERSION_HEADER);
        } else if (recordTs > 0) {
            version = Versions.ofRecord(recordTs, meta.offset());
        } else {
            version = 0;
        }
        if (version <= 0) {
            throw new BadRecordException("no version: neither a " + RecordFormat.VERSION_HEADER
                    + " header nor a record timestamp or " + RecordFormat.TS_MS);
        }
        return new Change<>(value, op, sourceTs, version);
    }

    static Change.Op op(FlatRow row) throws BadRecordException {
        int deleted = row.index(RecordFormat.DELETED);
        if (deleted >= 0 && "true".equalsIgnoreCase(row.text(deleted))) {
            return Change.Op.DELETE;
        }
        int op = row.index(RecordFormat.OP);
        if (row.isNull(op)) {
            throw new BadRecordException("__op is missing (expected r, c, u or d)");
        }
        String code = row.text(op);
        return switch (code) {
            case "r" -> Change.Op.READ;
            case "c" -> Change.Op.CREATE;
            case "u" -> Change.Op.UPDATE;
            case "d" -> Change.Op.DELETE;
            default -> throw new BadRecordException("__op='" + code + "' (expected r, c, u or d)");
        };
    }

    private static String text(FlatRow row, String field, boolean required) throws BadRecordException {
        int n = row.index(field);
        if (row.isNull(n)) {
            if (required) {
                throw new BadRecordException(field + " is missing");
            }
            return null;
        }
        if (!row.isValue(n)) {
            throw new BadRecordException(field + " is not a plain value");
        }
        return row.text(n);
    }

    private static String oneOf(FlatRow row, String field, String... allowed) throws BadRecordException {
        String v = text(row, field, true);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new BadRecordException(field + "='" + clip(v) + "' (expected one of " + String.join(", ", allowed) + ")");
    }

    private static PacsType pacs(FlatRow row, String field) throws BadRecordException {
        String v = text(row, field, true);
        try {
            return PacsType.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRecordException(field + "='" + clip(v) + "' (expected LENEL, CCURE, S2 or GENETEC)");
        }
    }

    private static double number(FlatRow row, String field, double fallback) throws BadRecordException {
        int n = row.index(field);
        if (row.isNull(n)) {
            return fallback;
        }
        double v;
        if (row.isNumber(n)) {
            v = row.doubleValue(n);
        } else if (row.isBoolean(n)) {
            v = row.booleanValue(n) ? 1 : 0;
        } else if (row.isText(n)) {
            try {
                v = Double.parseDouble(row.text(n));
            } catch (NumberFormatException e) {
                throw new BadRecordException(field + "='" + clip(row.text(n)) + "' is not a number");
            }
        } else {
            throw new BadRecordException(field + " is not a plain value");
        }
        if (!Double.isFinite(v)) {
            throw new BadRecordException(field + "=" + row.text(n) + " is not a finite number");
        }
        return v;
    }

    /** Largest INT UNSIGNED (MySQL) and UInt32 (ClickHouse). */
    static final long UINT32_MAX = 0xFFFFFFFFL;

    /** An INT UNSIGNED source column (ClickHouse UInt32): a whole number from 0 to 4294967295. */
    private static long unsigned(FlatRow row, String field, long fallback) throws BadRecordException {
        int n = row.index(field);
        if (row.isNull(n)) {
            return fallback;
        }
        double v = number(row, field, fallback);
        if (v < 0 || v > UINT32_MAX || v != Math.rint(v)) {
            throw new BadRecordException(field + "=" + clip(row.text(n))
                    + " is out of range (a whole number from 0 to " + UINT32_MAX + ")");
        }
        return (long) v;
    }

    /**
     * A TINYINT source column held by a ClickHouse UInt8 (suspicious_flag): 0 to 255, null as 0 (the column's default);
     * the source's negative values (TINYINT goes from -128) cannot be held, and are set aside.
     */
    private static int uint8(FlatRow row, String field) throws BadRecordException {
        int n = row.index(field);
        if (row.isNull(n)) {
            return 0;
        }
        double v = number(row, field, 0);
        if (v < 0 || v > 255 || v != Math.rint(v)) {
            throw new BadRecordException(field + "=" + clip(row.text(n))
                    + " is out of range (a whole number from 0 to 255: ClickHouse UInt8 holds no negative flag)");
        }
        return (int) v;
    }

    /**
     * DATETIME(3) as Debezium renders it: epoch milliseconds of the UTC wall-clock time (the
     * connector's default time.precision.mode). ISO-8601 text is accepted as well.
     */
    private static Instant time(FlatRow row, String field, boolean required) throws BadRecordException {
        int n = row.index(field);
        if (row.isNull(n)) {
            if (required) {
                throw new BadRecordException(field + " is missing");
            }
            return null;
        }
        if (row.isWhole(n)) {
            return Instant.ofEpochMilli(row.longValue(n));
        }
        try {
            return Instant.parse(row.text(n));
        } catch (RuntimeException e) {
            throw new BadRecordException(field + "='" + clip(row.text(n)) + "' is not epoch millis or ISO-8601 time");
        }
    }

    private static long parseLong(String v, String name) throws BadRecordException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRecordException("header " + name + "='" + v + "' is not a number");
        }
    }
}
