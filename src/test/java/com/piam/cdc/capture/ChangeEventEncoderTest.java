package com.piam.cdc.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.record.ChangeJson;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.Versions;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Field;
import java.util.LinkedHashMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventEncoderTest {

    private static final Schema ROW = DebeziumSchemas.ROW;
    private static final Schema SOURCE = DebeziumSchemas.SOURCE;
    private static final Schema ENVELOPE = DebeziumSchemas.ENVELOPE;
    private static final Schema KEY = DebeziumSchemas.KEY;

    private final CaptureLiveness liveness = new CaptureLiveness();
    private final ChangeEventEncoder encoder = new ChangeEventEncoder(liveness, "cg");

    private static SourceRecord change(String op, String table, String file, long pos, int row) {
        Struct source = new Struct(SOURCE).put("db", "cloudgate").put("table", table).put("file", file).put("pos", pos)
                .put("row", row).put("ts_ms", 1_700_000_000_000L);
        Struct before = new Struct(ROW).put("event_id", "e-1").put("badge_id", "B-1");
        Struct after = new Struct(ROW).put("event_id", "e-1").put("badge_id", "B-2");
        Struct value = new Struct(ENVELOPE).put("op", op).put("before", "c".equals(op) ? null : before)
                .put("after", "d".equals(op) ? null : after).put("source", source).put("ts_ms", 1_700_000_000_123L);
        return new SourceRecord(Map.of(), Map.of(), "cg.cloudgate.cg_access_event", KEY, new Struct(KEY).put("event_id", "e-1"),
                ENVELOPE, value);
    }

    private static String header(ProducerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aRowChangeBecomesTheKafkaRecordDebeziumConnectWouldWrite() {
        ProducerRecord<byte[], byte[]> r = encoder.encode(change("u", "cg_access_event", "mariadb-bin.000002", 623573L, 1));
        assertThat(r.topic()).isEqualTo("cg.cloudgate.cg_access_event");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("{\"event_id\":\"e-1\"}");
        assertThat(new String(r.value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"event_id\":\"e-1\",\"badge_id\":\"B-2\",\"__op\":\"u\",\"__ts_ms\":1700000000123}");
        assertThat(header(r, RecordFormat.VERSION_HEADER)).isEqualTo(String.valueOf(Versions.binlog("mariadb-bin.000002", 623573L, 1)));
        assertThat(header(r, RecordFormat.SOURCE_TS_HEADER)).isEqualTo("1700000000000");
        assertThat(liveness.binlogPosition()).isEqualTo("mariadb-bin.000002:623573");
        assertThat(liveness.changesCaptured()).isEqualTo(1);

        ProducerRecord<byte[], byte[]> d = encoder.encode(change("d", "cg_access_event", "mariadb-bin.000002", 700000L, 0));
        assertThat(new String(d.value(), StandardCharsets.UTF_8)).as("a delete carries the row before it")
                .isEqualTo("{\"event_id\":\"e-1\",\"badge_id\":\"B-1\",\"__op\":\"d\",\"__ts_ms\":1700000000123,\"__deleted\":\"true\"}");
    }

    @Test
    void versionsOrderChangesByBinlogFilePositionAndRow() {
        long early = version(change("c", "t", "mariadb-bin.000002", 623573L, 0));
        long sameEventNextRow = version(change("c", "t", "mariadb-bin.000002", 623573L, 1));
        long later = version(change("u", "t", "mariadb-bin.000002", 900000L, 0));
        long nextFile = version(change("d", "t", "mariadb-bin.000003", 4L, 0));
        assertThat(early).isLessThan(sameEventNextRow).isLessThan(later);
        assertThat(later).isLessThan(nextFile);
    }

    @Test
    void eventsWithoutATableOrRowAreNotForwarded() {
        assertThat(encoder.encode(change("c", null, "f", 4, 0))).as("no table").isNull();
        Schema heartbeat = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        assertThat(encoder.encode(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.cg", null, null, heartbeat,
                new Struct(heartbeat).put("ts_ms", 1L)))).as("heartbeat").isNull();
        assertThat(encoder.encode(new SourceRecord(Map.of(), Map.of(), "t", KEY, new Struct(KEY).put("event_id", "e"), null, null)))
                .as("tombstone").isNull();
        assertThat(liveness.changesCaptured()).isZero();
    }

    private long version(SourceRecord change) {
        return Long.parseLong(header(encoder.encode(change), RecordFormat.VERSION_HEADER));
    }

    @Test
    void streamedJsonEqualsTheMapRendering() throws Exception {
        Schema schema = SchemaBuilder.struct().name("cloudgate.cg_access_event.Value")
                .field("event_id", Schema.STRING_SCHEMA)
                .field("event_time", Schema.INT64_SCHEMA)
                .field("suspicious_flag", Schema.INT16_SCHEMA)
                .field("latency_ms", Schema.OPTIONAL_INT32_SCHEMA)
                .field("suspicious_score", Schema.OPTIONAL_FLOAT32_SCHEMA)
                .field("amount", org.apache.kafka.connect.data.Decimal.builder(2).optional().build())
                .field("raw_payload", Schema.OPTIONAL_STRING_SCHEMA)
                .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
                .field("events_per_minute", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("tiny", Schema.OPTIONAL_INT8_SCHEMA)
                .field("person", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        Struct row = new Struct(schema).put("event_id", "e-\"1\"").put("event_time", 1795420701123L)
                .put("suspicious_flag", (short) 1).put("latency_ms", 250).put("suspicious_score", 0.75f)
                .put("amount", new BigDecimal("12.30")).put("raw_payload", null).put("flag", true)
                .put("events_per_minute", 12.5d).put("tiny", (byte) -3).put("person", "Zoë Müller \u2603");
        java.util.Map<String, Object> columns = columns(row);
        // UTF-8 bytes, identical to what the ObjectMapper renders for the same row as a map
        assertThat(new String(ChangeJson.value(row, "u", 1795420701999L, false), StandardCharsets.UTF_8))
                .isEqualTo(mapRendering(columns, "u", 1795420701999L, false))
                .contains("\"suspicious_score\":0.75", "\"events_per_minute\":12.5", "\"tiny\":-3", "\"person\":\"Zoë Müller \u2603\"");
        assertThat(new String(ChangeJson.value(row, "d", 1L, true), StandardCharsets.UTF_8))
                .isEqualTo(mapRendering(columns, "d", 1L, true));
        Struct key = new Struct(SchemaBuilder.struct().field("event_id", Schema.STRING_SCHEMA).build()).put("event_id", "e-1");
        assertThat(ChangeJson.key(key)).isEqualTo(new ObjectMapper().writeValueAsString(columns(key))).isEqualTo("{\"event_id\":\"e-1\"}");
    }

    /** The ObjectMapper's rendering of the same row as a map: what the streamed JSON must equal. */
    private static String mapRendering(Map<String, Object> row, String op, long tsMs, boolean deleted) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>(row);
        out.put("__op", op);
        out.put("__ts_ms", tsMs);
        if (deleted) {
            out.put("__deleted", "true");
        }
        return new ObjectMapper().writeValueAsString(out);
    }

    private static Map<String, Object> columns(Struct struct) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Field f : struct.schema().fields()) {
            m.put(f.name(), struct.get(f));
        }
        return m;
    }
}
