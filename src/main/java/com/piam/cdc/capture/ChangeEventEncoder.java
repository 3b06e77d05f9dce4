package com.piam.cdc.capture;

import com.piam.cdc.record.ChangeJson;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.Versions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.debezium.DebeziumConstants;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.connect.data.Struct;

import java.util.Map;

/**
 * Turns one Debezium change event into the Kafka record a Debezium Connect with the spec's
 * connector-config.json would write: keyed by the primary key (JSON of the key columns), the value
 * the flattened row plus __op and __ts_ms. Deletes carry the deleted row with __op=d and
 * __deleted=true (Debezium's "rewrite" delete handling; the spec's connector drops deletes, which
 * would leave deleted rows visible in ClickHouse). Heartbeats and tombstones are not forwarded.
 * The binlog coordinates go into a header as the row version for ClickHouse.
 */
public class ChangeEventEncoder implements Processor {

    private final CaptureLiveness liveness;
    private final String topicPrefix;

    public ChangeEventEncoder(CaptureLiveness liveness, String topicPrefix) {
        this.liveness = liveness;
        this.topicPrefix = topicPrefix;
    }

    @Override
    public void process(Exchange exchange) {
        Message in = exchange.getMessage();
        @SuppressWarnings("unchecked")
        Map<String, Object> source = in.getHeader(DebeziumConstants.HEADER_SOURCE_METADATA, Map.class);
        if (source == null || source.get("table") == null) {
            liveness.heartbeat(); // heartbeats (and anything else without a table) only prove the engine is alive
            exchange.setRouteStop(true);
            return;
        }
        // Debezium Connect's topic naming: <topic.prefix>.<database>.<table>
        String topic = topicPrefix + "." + source.get("db") + "." + source.get("table");
        String op = in.getHeader(DebeziumConstants.HEADER_OPERATION, String.class);
        boolean delete = "d".equals(op);
        Struct row = delete ? in.getHeader(DebeziumConstants.HEADER_BEFORE, Struct.class) : in.getBody(Struct.class);
        if (op == null || row == null) {
            liveness.heartbeat();
            exchange.setRouteStop(true); // tombstone: nothing for the consumers
            return;
        }
        Long envelopeTs = in.getHeader(DebeziumConstants.HEADER_TIMESTAMP, Long.class);
        long tsMs = envelopeTs != null ? envelopeTs : System.currentTimeMillis();
        long sourceTs = source != null && source.get("ts_ms") instanceof Number n ? n.longValue() : tsMs;

        Struct key = in.getHeader(DebeziumConstants.HEADER_KEY, Struct.class);
        in.setBody(ChangeJson.value(row, op, tsMs, delete));
        in.setHeader(KafkaConstants.KEY, key == null ? null : ChangeJson.key(key));
        in.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
        in.setHeader(RecordFormat.VERSION_HEADER, String.valueOf(version(source)));
        in.setHeader(RecordFormat.SOURCE_TS_HEADER, String.valueOf(sourceTs));
        liveness.change(sourceTs, source);
    }

    /** The change's version from Debezium's source block: binlog file, position and row ({@link Versions#binlog}). */
    static long version(Map<String, Object> source) {
        if (source == null) {
            return 0;
        }
        long pos = source.get("pos") instanceof Number n ? n.longValue() : 0;
        long row = source.get("row") instanceof Number n ? n.longValue() : 0;
        return Versions.binlog(String.valueOf(source.getOrDefault("file", "")), pos, row);
    }
}
