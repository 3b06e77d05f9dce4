package com.piam.cdc.capture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.record.ChangeJson;
import com.piam.cdc.record.Versions;
import org.apache.kafka.connect.data.Field;
import java.util.LinkedHashMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventEncoderTest {

    @Test
    void versionOrdersChangesByBinlogFilePositionAndRow() {
        long early = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000002", "pos", 623573L, "row", 0));
        long sameEventNextRow = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000002", "pos", 623573L, "row", 1));
        long later = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000002", "pos", 900000L, "row", 0));
        long nextFile = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000003", "pos", 4L, "row", 0));
        assertThat(early).isEqualTo(Versions.binlog("mariadb-bin.000002", 623573L, 0));
        assertThat(early).isLessThan(sameEventNextRow).isLessThan(later);
        assertThat(later).isLessThan(nextFile);
    }

    @Test
    void missingCoordinatesGiveNoVersion() {
        assertThat(ChangeEventEncoder.version(null)).isZero();
        assertThat(ChangeEventEncoder.version(Map.of("file", "", "pos", 0L))).isZero();
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
