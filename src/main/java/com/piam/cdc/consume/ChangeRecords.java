package com.piam.cdc.consume;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.PacsType;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The spec's mapping from a CDC record (flattened Debezium JSON: the row's columns plus __op and
 * __ts_ms, as ExtractNewRecordState with add.fields=op,ts_ms writes it) to the row the loader
 * writes. Accepts records from this runtime's capture and from a Debezium Connect running
 * ops/debezium/connector-config.json. Deletes arrive as the deleted row with __op=d (or
 * __deleted=true, Debezium's rewrite mode); tombstones (no value) carry no row.
 *
 * <p>Version (which copy of a key survives ReplacingMergeTree FINAL): the binlog coordinates in
 * the record's {@value #VERSION_HEADER} header when the capture put them there, otherwise
 * __ts_ms scaled to microseconds.
 */
public final class ChangeRecords {

    /** Kafka header carrying the change's version (binlog coordinates), set by capture-changes. */
    public static final String VERSION_HEADER = "piam_version";
    /** Kafka header carrying the source commit time (epoch ms), set by capture-changes. */
    public static final String SOURCE_TS_HEADER = "piam_source_ts_ms";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeRecords() {
    }

    /** Parses a record value; returns null for a tombstone (nothing to load). */
    public static JsonNode parse(String value) throws BadRecordException {
        return parse(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses a record value as Kafka holds it (UTF-8 JSON bytes, read without decoding to a String
     * first); returns null for a tombstone (no value, or only white space).
     */
    public static JsonNode parse(byte[] value) throws BadRecordException {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || node.isMissingNode()) {
                return null;
            }
            if (!node.isObject()) {
                throw new BadRecordException("value is not a JSON object");
            }
            // A Connect JsonConverter with schemas.enable=true wraps the row in {"schema":…,"payload":…}
            if (node.has("payload") && node.has("schema")) {
                node = node.get("payload");
                if (node == null || node.isNull()) {
                    return null;
                }
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRecordException("value is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadRecordException("value cannot be read: " + e.getMessage(), e);
        }
    }

    public static Change<AccessEvent> accessEvent(JsonNode row, String versionHeader, String sourceTsHeader)
            throws BadRecordException {
        AccessEvent e = new AccessEvent(
                text(row, "event_id", true), text(row, "tenant_id", true), time(row, "event_time", true),
                text(row, "person_id", false), text(row, "badge_id", true), text(row, "site_id", true),
                text(row, "location_id", true), oneOf(row, "direction", "IN", "OUT"), oneOf(row, "result", "GRANT", "DENY"),
                text(row, "event_type", true), text(row, "deny_reason", false), text(row, "deny_code", false),
                pacs(row, "pacs_source"), text(row, "pacs_event_id", true), text(row, "raw_payload", false),
                number(row, "suspicious_flag", 0) != 0, text(row, "suspicious_reason", false),
                (float) number(row, "suspicious_score", 0));
        return change(row, e, versionHeader, sourceTsHeader);
    }

    public static Change<ConnectorHealth> connectorHealth(JsonNode row, String versionHeader, String sourceTsHeader)
            throws BadRecordException {
        ConnectorHealth h = new ConnectorHealth(
                text(row, "tenant_id", true), text(row, "connector_id", true), text(row, "connector_name", true),
                pacs(row, "pacs_type"), text(row, "pacs_version", false), time(row, "check_time", true),
                oneOf(row, "status", "OK", "WARN", "DOWN"), (int) number(row, "latency_ms", -1),
                (float) number(row, "events_per_minute", 0), (int) number(row, "error_count_1h", 0),
                time(row, "last_event_time", false), text(row, "error_message", false), text(row, "error_code", false),
                text(row, "endpoint_url", false), time(row, "last_successful_sync", false));
        if (h.latencyMs() < 0) {
            throw new BadRecordException("latency_ms is missing or negative");
        }
        return change(row, h, versionHeader, sourceTsHeader);
    }

    private static <T> Change<T> change(JsonNode row, T value, String versionHeader, String sourceTsHeader)
            throws BadRecordException {
        Change.Op op = op(row);
        long tsMs = (long) number(row, "__ts_ms", 0);
        long sourceTs = sourceTsHeader == null ? tsMs : parseLong(sourceTsHeader, SOURCE_TS_HEADER);
        long version = versionHeader == null ? tsMs * 1000 : parseLong(versionHeader, VERSION_HEADER);
        if (version <= 0) {
            throw new BadRecordException("no version: neither a " + VERSION_HEADER + " header nor __ts_ms");
        }
        return new Change<>(value, op, sourceTs, version);
    }

    static Change.Op op(JsonNode row) throws BadRecordException {
        JsonNode deleted = row.get("__deleted");
        if (deleted != null && "true".equalsIgnoreCase(deleted.asText())) {
            return Change.Op.DELETE;
        }
        JsonNode op = row.get("__op");
        if (op == null || op.isNull()) {
            throw new BadRecordException("__op is missing (expected r, c, u or d)");
        }
        return switch (op.asText()) {
            case "r" -> Change.Op.READ;
            case "c" -> Change.Op.CREATE;
            case "u" -> Change.Op.UPDATE;
            case "d" -> Change.Op.DELETE;
            default -> throw new BadRecordException("__op='" + op.asText() + "' (expected r, c, u or d)");
        };
    }

    private static String text(JsonNode row, String field, boolean required) throws BadRecordException {
        JsonNode n = row.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRecordException(field + " is missing");
            }
            return null;
        }
        if (!n.isValueNode()) {
            throw new BadRecordException(field + " is not a plain value");
        }
        return n.asText();
    }

    private static String oneOf(JsonNode row, String field, String... allowed) throws BadRecordException {
        String v = text(row, field, true);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new BadRecordException(field + "='" + v + "' (expected one of " + String.join(", ", allowed) + ")");
    }

    private static PacsType pacs(JsonNode row, String field) throws BadRecordException {
        String v = text(row, field, true);
        try {
            return PacsType.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadRecordException(field + "='" + v + "' (expected LENEL, CCURE, S2 or GENETEC)");
        }
    }

    private static double number(JsonNode row, String field, double fallback) throws BadRecordException {
        JsonNode n = row.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isBoolean()) {
            return n.asBoolean() ? 1 : 0;
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            throw new BadRecordException(field + "='" + n.asText() + "' is not a number");
        }
    }

    /**
     * DATETIME(3) as Debezium renders it: epoch milliseconds of the UTC wall-clock time (the
     * connector's default time.precision.mode). ISO-8601 text is accepted as well.
     */
    private static Instant time(JsonNode row, String field, boolean required) throws BadRecordException {
        JsonNode n = row.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new BadRecordException(field + " is missing");
            }
            return null;
        }
        if (n.isIntegralNumber()) {
            return Instant.ofEpochMilli(n.asLong());
        }
        try {
            return Instant.parse(n.asText());
        } catch (RuntimeException e) {
            throw new BadRecordException(field + "='" + n.asText() + "' is not epoch millis or ISO-8601 time");
        }
    }

    private static long parseLong(String v, String name) throws BadRecordException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new BadRecordException("header " + name + "='" + v + "' is not a number");
        }
    }

    /** The flattened JSON for a row map (capture side), with the fields ExtractNewRecordState adds. */
    public static String flattened(Map<String, Object> row, String op, long tsMs, boolean deleted) {
        Map<String, Object> out = new java.util.LinkedHashMap<>(row);
        out.put("__op", op);
        out.put("__ts_ms", tsMs);
        if (deleted) {
            out.put("__deleted", "true");
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render change " + row, e);
        }
    }

    /**
     * Same JSON as {@link #flattened(Map, String, long, boolean)}, as UTF-8 bytes written straight
     * from Debezium's row Struct, without intermediate maps or strings (the capture route's hot path;
     * the bytes go to Kafka as they are).
     */
    public static byte[] flattened(Struct row, String op, long tsMs, boolean deleted) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            writeColumns(g, row);
            g.writeStringField("__op", op);
            g.writeNumberField("__ts_ms", tsMs);
            if (deleted) {
                g.writeStringField("__deleted", "true");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render change of " + row.schema().name(), e);
        }
        return out.toByteArray();
    }

    /** Same JSON as {@link #key(Map)}, from the key Struct. */
    public static String key(Struct key) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            writeColumns(g, key);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render key of " + key.schema().name(), e);
        }
        return out.toString();
    }

    private static void writeColumns(JsonGenerator g, Struct row)
            throws IOException {
        for (Field f : row.schema().fields()) {
            g.writeFieldName(f.name());
            Object v = row.get(f);
            if (v == null) {
                g.writeNull();
            } else if (v instanceof String str) {
                g.writeString(str);
            } else if (v instanceof Long l) {
                g.writeNumber(l);
            } else if (v instanceof Integer i) {
                g.writeNumber(i);
            } else if (v instanceof Short sh) {
                g.writeNumber(sh);
            } else if (v instanceof Boolean b) {
                g.writeBoolean(b);
            } else if (v instanceof Float fl) {
                g.writeNumber(fl); // what the ObjectMapper writes for a Float, without its per-call set-up
            } else if (v instanceof Double d) {
                g.writeNumber(d);
            } else if (v instanceof Byte by) {
                g.writeNumber(by);
            } else {
                g.writeObject(v); // the ObjectMapper's rendering, as in the Map variant
            }
        }
    }

    /** The JSON of a record key (Connect's JsonConverter with schemas.enable=false: the key columns). */
    public static String key(Map<String, Object> keyColumns) {
        try {
            return JSON.writeValueAsString(keyColumns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render key " + keyColumns, e);
        }
    }

    /** Field names of a record, for error messages. */
    static String fields(JsonNode row) {
        StringBuilder sb = new StringBuilder();
        for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
            sb.append(sb.length() == 0 ? "" : ",").append(it.next());
        }
        return sb.toString();
    }
}
