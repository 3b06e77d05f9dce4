package com.piam.cdc.capture;

import io.debezium.data.SchemaUtil;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our stand-in for Debezium's SchemaUtil.RecordWriter (src/main/java/io/debezium/data) writes exactly the text the
 * original writes, for every kind of value Debezium formats; it is the one in effect on the runtime's class path;
 * and this test fails when Debezium is upgraded, so the override is dropped once a release carries dbz#2492.
 */
class DebeziumSummaryOverrideTest {

    /** Debezium's SchemaUtil and its original RecordWriter, read from the debezium-core jar; every other class shared. */
    static final class Original extends ClassLoader {
        private final Path jar;

        Original(Path jar) {
            super(DebeziumSummaryOverrideTest.class.getClassLoader());
            this.jar = jar;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.debezium.data.SchemaUtil")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    try (JarFile file = new JarFile(jar.toFile());
                         InputStream in = file.getInputStream(file.getEntry(name.replace('.', '/') + ".class"))) {
                        byte[] bytes = in.readAllBytes();
                        c = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return c;
            }
        }
    }

    static Path debeziumCore() throws URISyntaxException {
        return Path.of(SchemaUtil.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    static List<Object> samples() {
        Schema address = SchemaBuilder.struct().name("addr").field("city", Schema.STRING_SCHEMA).optional().build();
        Schema row = SchemaBuilder.struct().name("cloudgate.cg_access_event.Value").doc("a row").version(3)
                .field("event_id", Schema.STRING_SCHEMA)
                .field("person_id", Schema.OPTIONAL_STRING_SCHEMA)
                .field("suspicious_flag", Schema.INT16_SCHEMA)
                .field("suspicious_score", Schema.FLOAT32_SCHEMA)
                .field("event_time", Timestamp.builder().build())
                .field("day", Date.builder().optional().build())
                .field("raw", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
                .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
                .field("address", address)
                .field("note", SchemaBuilder.string().optional().defaultValue("none").build())
                .build();
        Map<String, Integer> attrs = new LinkedHashMap<>();
        attrs.put("a", 1);
        attrs.put("quote\"d", 2);
        Struct value = new Struct(row).put("event_id", "e-1 \"quoted\" \\ back\nnew\ttab \u0001 é 漢字 😀")
                .put("suspicious_flag", (short) 1).put("suspicious_score", 0.87f)
                .put("event_time", new java.util.Date(1_795_000_000_123L)).put("day", new java.util.Date(86_400_000L * 20_000))
                .put("raw", new byte[] {1, -2, 3}).put("tags", List.of("x", "y\"")).put("attrs", attrs)
                .put("address", new Struct(address).put("city", "Zürich"));
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put("file", "mariadb-bin.000042");
        offset.put("pos", 4711L);
        SourceRecord record = new SourceRecord(Map.of("server", "cg"), offset, "cg.cloudgate.cg_access_event", 0,
                Schema.STRING_SCHEMA, "e-1", row, value);
        Field field = row.field("event_id");
        return List.of(value, row, field, record, ByteBuffer.wrap(new byte[] {9, 8}), new java.sql.Time(3_600_000L),
                new java.sql.Date(86_400_000L * 365), new java.sql.Timestamp(1_795_000_000_123L), java.time.Instant.ofEpochMilli(5),
                Schema.Type.STRUCT, 42L, List.of(), Map.of());
    }

    @Test
    void writesWhatDebeziumsOriginalWritesForEveryKindOfValue() throws Exception {
        Class<?> original = new Original(debeziumCore()).loadClass("io.debezium.data.SchemaUtil");
        assertThat(original).isNotSameAs(SchemaUtil.class);
        Method asString = original.getMethod("asString", Object.class);
        Method asDetailedStruct = original.getMethod("asDetailedString", Struct.class);
        Method asDetailedRecord = original.getMethod("asDetailedString", SourceRecord.class);
        Method asDetailedSchema = original.getMethod("asDetailedString", Schema.class);
        Method asDetailedField = original.getMethod("asDetailedString", Field.class);
        for (Object sample : samples()) {
            assertThat(SchemaUtil.asString(sample)).as(sample.getClass().getName()).isEqualTo(asString.invoke(null, sample));
        }
        Struct value = (Struct) samples().get(0);
        assertThat(SchemaUtil.asDetailedString(value)).isEqualTo(asDetailedStruct.invoke(null, value))
                .contains("\"event_id\" : \"e-1 \\\"quoted\\\" \\\\ back\\nnew\\ttab \\u0001 é 漢字 😀\"");
        SourceRecord record = (SourceRecord) samples().get(3);
        assertThat(SchemaUtil.asDetailedString(record)).isEqualTo(asDetailedRecord.invoke(null, record)).contains("valueSchema");
        assertThat(SchemaUtil.asDetailedString(value.schema())).isEqualTo(asDetailedSchema.invoke(null, value.schema()));
        Field field = value.schema().field("tags");
        assertThat(SchemaUtil.asDetailedString(field)).isEqualTo(asDetailedField.invoke(null, field));
    }

    @Test
    void theOverrideIsTheOneInEffectAndOnlyForTheDebeziumItWasWrittenFor() throws Exception {
        Class<?> inEffect = Class.forName("io.debezium.data.SchemaUtil$RecordWriter");
        assertThat(inEffect.getProtectionDomain().getCodeSource().getLocation().toURI()).isNotEqualTo(debeziumCore().toUri());
        assertThat(DebeziumSummary.overridden()).isTrue();
        assertThat(debeziumCore().getFileName().toString())
                .as("Debezium was upgraded: if the new release carries dbz#2492 (PR 7886), delete src/main/java/io/debezium/data "
                        + "and DebeziumSummary; otherwise check the override against the new SchemaUtil and update this version")
                .isEqualTo("debezium-core-3.4.1.Final.jar");
    }
}
