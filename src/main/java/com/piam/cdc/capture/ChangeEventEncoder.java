package com.piam.cdc.capture;

import com.piam.cdc.record.ChangeJson;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.Versions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one Debezium change event into the Kafka record a Debezium Connect with the spec's
 * connector-config.json would write: keyed by the primary key (JSON of the key columns), the value
 * the flattened row plus __op and __ts_ms. Deletes carry the deleted row with __op=d and
 * __deleted=true (Debezium's "rewrite" delete handling; the spec's connector drops deletes, which
 * would leave deleted rows visible in ClickHouse). Heartbeats and tombstones are not forwarded.
 * The binlog coordinates go into a header as the row version for ClickHouse.
 *
 * <p>A row change arrives as Debezium's own record ({@link CaptureEndpoint}) and leaves as the
 * {@link ProducerRecord} the sender sends: encoded straight from the record's Structs, with no
 * Camel headers and no String in between.
 */
public class ChangeEventEncoder implements Processor {

    private final CaptureLiveness liveness;
    private final String topicPrefix;
    /** Debezium Connect's topic naming, {@code <topic.prefix>.<database>.<table>}, made once per table. */
    private final Map<String, Map<String, String>> topics = new ConcurrentHashMap<>();
    /** The record just encoded was read by a snapshot (the engine's one thread encodes record after record). */
    private boolean snapshotRow;

    public ChangeEventEncoder(CaptureLiveness liveness, String topicPrefix) {
        this.liveness = liveness;
        this.topicPrefix = topicPrefix;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        ProducerRecord<byte[], byte[]> record = in.getBody() instanceof SourceRecord change ? encode(change) : null;
        if (record == null) {
            // heartbeats, tombstones, schema changes, anything without a table: only proof the engine is alive
            liveness.heartbeat();
            exchange.setRouteStop(true);
            return;
        }
        in.setBody(record);
        if (snapshotRow) {
            exchange.setProperty(SnapshotThrottle.SNAPSHOT_ROW, true);
            snapshotRow = false;
        }
    }

    /** The Kafka record for a row change; null for an event that is none (no table, no operation, no row). */
    ProducerRecord<byte[], byte[]> encode(SourceRecord change) {
        if (!(change.value() instanceof Struct value)) {
            return null;
        }
        Struct source = struct(value, "source");
        String db = source == null ? null : text(source, "db");
        String table = source == null ? null : text(source, "table");
        String op = text(value, "op");
        if (table == null || op == null) {
            return null;
        }
        boolean delete = "d".equals(op);
        Struct row = struct(value, delete ? "before" : "after");
        if (row == null) {
            return null;
        }
        Object envelopeTs = field(value, "ts_ms");
        long tsMs = envelopeTs instanceof Number n ? n.longValue() : System.currentTimeMillis();
        long sourceTs = field(source, "ts_ms") instanceof Number n ? n.longValue() : tsMs;
        String file = text(source, "file");
        long pos = field(source, "pos") instanceof Number n ? n.longValue() : 0;
        long rowInEvent = field(source, "row") instanceof Number n ? n.longValue() : 0;

        String topic = topics.computeIfAbsent(String.valueOf(db), d -> new ConcurrentHashMap<>())
                .computeIfAbsent(table, t -> topicPrefix + "." + db + "." + t);
        byte[] key = change.key() instanceof Struct k ? ChangeJson.key(k).getBytes(StandardCharsets.UTF_8) : null;
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key, ChangeJson.value(row, op, tsMs, delete));
        record.headers().add(RecordFormat.VERSION_HEADER, ascii(Versions.binlog(file == null ? "" : file, pos, rowInEvent)));
        record.headers().add(RecordFormat.SOURCE_TS_HEADER, ascii(sourceTs));
        liveness.change(sourceTs, file, pos);
        if ("r".equals(op)) {
            liveness.snapshotRead(table, change.key(), change.sourceOffset(), db); // db.table built once per part, not per row
            snapshotRow = true;
        }
        return record;
    }

    private static byte[] ascii(long value) {
        return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
    }

    /** The field's value, or null when the struct's schema has no such field (Kafka Connect would throw). */
    private static Object field(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : struct.get(name);
    }

    private static Struct struct(Struct struct, String name) {
        return field(struct, name) instanceof Struct s ? s : null;
    }

    private static String text(Struct struct, String name) {
        Object v = field(struct, name);
        return v == null ? null : v.toString();
    }

    static boolean isRowChange(Schema valueSchema) {
        return valueSchema != null && valueSchema.type() == Schema.Type.STRUCT && valueSchema.field("op") != null
                && valueSchema.field("source") != null && valueSchema.field("ddl") == null;
    }
}
