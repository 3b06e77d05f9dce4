package com.piam.cdc.record;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.io.IOException;
import java.io.StringWriter;

/**
 * Writes a change as the record format says ({@link RecordFormat}), straight from Debezium's row
 * Struct as UTF-8 bytes, without intermediate maps or strings (capture's hot path; the bytes go to
 * Kafka as they are).
 */
public final class ChangeJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private ChangeJson() {
    }

    /** The record value: the row's columns, then __op, __ts_ms and (deletes) __deleted. */
    public static byte[] value(Struct row, String op, long tsMs, boolean deleted) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            writeColumns(g, row);
            g.writeStringField(RecordFormat.OP, op);
            g.writeNumberField(RecordFormat.TS_MS, tsMs);
            if (deleted) {
                g.writeStringField(RecordFormat.DELETED, "true");
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render change of " + row.schema().name(), e);
        }
        return out.toByteArray();
    }

    /** The record key: the key columns as JSON (Connect's JsonConverter with schemas.enable=false). */
    public static String key(Struct key) {
        StringWriter out = new StringWriter(64);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            writeColumns(g, key);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render key of " + key.schema().name(), e);
        }
        return out.toString();
    }

    private static void writeColumns(JsonGenerator g, Struct row) throws IOException {
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
                g.writeObject(v); // the ObjectMapper's rendering (BigDecimal, byte[] as base64, ...)
            }
        }
    }
}
