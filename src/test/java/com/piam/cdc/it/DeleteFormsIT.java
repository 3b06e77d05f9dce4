package com.piam.cdc.it;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every way a delete reaches the topic converges: the row leaves the converged view, and a later
 * insert of the same key shows it again. Records are written by Kafka Connect's own JsonConverter
 * (schemas.enable false and true), shaped as Debezium's ExtractNewRecordState writes them: a
 * tombstone (no value), the JSON null a converter writes for a null value with a schema, a schema
 * envelope with a null payload, the rewrite form (__deleted=true), plus the embedded capture's own.
 */
class DeleteFormsIT extends PipelineITSupport {

    static final String TOPIC = "cg.cloudgate.cg_access_event";

    static final Schema KEY = SchemaBuilder.struct().name("cg.cloudgate.cg_access_event.Key")
            .field("event_id", Schema.STRING_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct().name("cg.cloudgate.cg_access_event.Value").optional()
            .field("event_id", Schema.STRING_SCHEMA)
            .field("tenant_id", Schema.STRING_SCHEMA)
            .field("event_time", SchemaBuilder.int64().name("io.debezium.time.Timestamp").build())
            .field("person_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("badge_id", Schema.STRING_SCHEMA)
            .field("site_id", Schema.STRING_SCHEMA)
            .field("location_id", Schema.STRING_SCHEMA)
            .field("direction", Schema.STRING_SCHEMA)
            .field("result", Schema.STRING_SCHEMA)
            .field("event_type", Schema.STRING_SCHEMA)
            .field("pacs_source", Schema.STRING_SCHEMA)
            .field("pacs_event_id", Schema.STRING_SCHEMA)
            .field("raw_payload", Schema.OPTIONAL_STRING_SCHEMA)
            .field("suspicious_flag", Schema.OPTIONAL_INT16_SCHEMA)
            .field("suspicious_score", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("__op", Schema.OPTIONAL_STRING_SCHEMA)
            .field("__ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("__deleted", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    enum Form { TOMBSTONE, JSON_NULL_OR_NULL_PAYLOAD, REWRITE }

    record Case(String id, Form form, boolean schemas) {
    }

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    /** Each form, with the converter's schemas off and on. */
    private static List<Case> cases(String prefix) {
        List<Case> cases = new ArrayList<>();
        for (Form f : Form.values()) {
            for (boolean schemas : new boolean[] {false, true}) {
                cases.add(new Case(prefix + f.name().toLowerCase() + (schemas ? "-schemas" : "-plain"), f, schemas));
            }
        }
        return cases;
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static JsonConverter converter(boolean schemas, boolean key) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", String.valueOf(schemas)), key);
        return c;
    }

    private static Struct row(String id, String op, boolean deleted) {
        long now = System.currentTimeMillis();
        return new Struct(VALUE).put("event_id", id).put("tenant_id", "acme").put("event_time", now)
                .put("badge_id", "ACM-1").put("site_id", "acme-hq").put("location_id", "acme-hq-lobby").put("direction", "IN")
                .put("result", "GRANT").put("event_type", "ACCESS_GRANTED").put("pacs_source", "LENEL")
                .put("pacs_event_id", "p-" + id).put("raw_payload", "{}").put("suspicious_flag", (short) 0)
                .put("suspicious_score", 0f).put("__op", op).put("__ts_ms", now).put("__deleted", deleted ? "true" : "false");
    }

    private static ProducerRecord<byte[], byte[]> record(Case c, String step) {
        byte[] key = converter(c.schemas(), true).fromConnectData(TOPIC, KEY, new Struct(KEY).put("event_id", c.id()));
        JsonConverter values = converter(c.schemas(), false);
        byte[] value = switch (step) {
            case "insert" -> values.fromConnectData(TOPIC, VALUE, row(c.id(), "c", false));
            default -> switch (c.form()) {
                case TOMBSTONE -> values.fromConnectData(TOPIC, null, null);
                case JSON_NULL_OR_NULL_PAYLOAD -> values.fromConnectData(TOPIC, VALUE, null);
                case REWRITE -> values.fromConnectData(TOPIC, VALUE, row(c.id(), "d", true));
            };
        };
        return new ProducerRecord<>(TOPIC, key, value);
    }

    private long shown(String id) throws Exception {
        return ClickHouseQuery.count("SELECT count()" + CurrentView.accessEvents("tenant_id = 'acme' AND event_id = '" + id + "'"));
    }

    @Test
    void everyFormOfDeleteHidesTheRowAndAReinsertShowsItAgain() throws Exception {
        String prefix = "it-del-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<Case> cases = cases(prefix);
        String embedded = prefix + "embedded-capture";
        try (KafkaProducer<byte[], byte[]> producer = producer();
             Connection db = Cloudgate.connect()) {
            for (String step : List.of("insert", "delete", "insert again")) {
                for (Case c : cases) {
                    producer.send(record(c, step.startsWith("insert") ? "insert" : "delete")).get();
                }
                switch (step) {
                    case "insert", "insert again" -> Cloudgate.insertAccessEvents(db, embedded, 0, 1);
                    default -> assertThat(Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id = '" + embedded + "0'"))
                            .isEqualTo(1);
                }
                long expected = step.equals("delete") ? 0 : 1;
                for (String id : ids(cases, embedded + "0")) {
                    await().alias(step + " of " + id).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                            .until(() -> shown(id) == expected);
                }
            }
        }
        for (String id : ids(cases, embedded + "0")) {
            // (the deleted copy itself may already be merged away: ReplacingMergeTree keeps the newest version)
            assertThat(ClickHouseQuery.text("SELECT concat(toString(cdc_op), '/', toString(is_deleted)) FROM piam.fact_access_events "
                    + "FINAL WHERE tenant_id = 'acme' AND event_id = '" + id + "'").strip())
                    .as("the re-insert of " + id + " won over its delete").isEqualTo("c/0");
        }
        assertThat(bean("rowsSetAside", com.piam.cdc.load.RowsSetAside.class).recent("piam.fact_access_events", 600_000).count())
                .as("no delete form was set aside").isZero();
    }

    private static List<String> ids(List<Case> cases, String embedded) {
        List<String> ids = new ArrayList<>(cases.stream().map(Case::id).toList());
        ids.add(embedded);
        return ids;
    }

    static final String HEALTH_TOPIC = "cg.cloudgate.cg_connector_health";
    static final Schema HEALTH_KEY = SchemaBuilder.struct().name("cg.cloudgate.cg_connector_health.Key")
            .field("id", Schema.INT64_SCHEMA).build();
    static final Schema HEALTH_VALUE = SchemaBuilder.struct().name("cg.cloudgate.cg_connector_health.Value").optional()
            .field("id", Schema.INT64_SCHEMA)
            .field("tenant_id", Schema.STRING_SCHEMA)
            .field("connector_id", Schema.STRING_SCHEMA)
            .field("connector_name", Schema.STRING_SCHEMA)
            .field("pacs_type", Schema.STRING_SCHEMA)
            .field("check_time", SchemaBuilder.int64().name("io.debezium.time.Timestamp").build())
            .field("status", Schema.STRING_SCHEMA)
            .field("latency_ms", Schema.INT64_SCHEMA)
            .field("events_per_minute", Schema.FLOAT32_SCHEMA)
            .field("__op", Schema.OPTIONAL_STRING_SCHEMA)
            .field("__ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
            .field("__deleted", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    @Test
    void healthRowsDeletedByTheirSourceIdInEveryForm() throws Exception {
        String prefix = "it-del-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        long checkTime = System.currentTimeMillis();
        long firstId = 1_000_000_000L + (System.nanoTime() % 1_000_000_000L);
        List<Case> cases = cases(prefix);
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String step : List.of("insert", "delete", "insert again")) {
                for (int i = 0; i < cases.size(); i++) {
                    Case c = cases.get(i);
                    long id = firstId + i;
                    byte[] key = converter(c.schemas(), true).fromConnectData(HEALTH_TOPIC, HEALTH_KEY, new Struct(HEALTH_KEY).put("id", id));
                    JsonConverter values = converter(c.schemas(), false);
                    byte[] value = step.startsWith("insert") ? values.fromConnectData(HEALTH_TOPIC, HEALTH_VALUE, health(id, c.id(), checkTime, false))
                            : switch (c.form()) {
                                case TOMBSTONE -> values.fromConnectData(HEALTH_TOPIC, null, null);
                                case JSON_NULL_OR_NULL_PAYLOAD -> values.fromConnectData(HEALTH_TOPIC, HEALTH_VALUE, null);
                                case REWRITE -> values.fromConnectData(HEALTH_TOPIC, HEALTH_VALUE, health(id, c.id(), checkTime, true));
                            };
                    producer.send(new ProducerRecord<>(HEALTH_TOPIC, key, value)).get();
                }
                long expected = step.equals("delete") ? 0 : 1;
                for (Case c : cases) {
                    await().alias(step + " of " + c.id()).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                            .until(() -> ClickHouseQuery.count("SELECT count() FROM piam.fact_connector_health FINAL WHERE tenant_id = 'acme' "
                                    + "AND connector_id = '" + c.id() + "' AND is_deleted = 0") == expected);
                }
            }
        }
        assertThat(bean("rowsSetAside", com.piam.cdc.load.RowsSetAside.class).recent("piam.fact_connector_health", 600_000).count())
                .as("no delete form was set aside").isZero();
    }

    private static Struct health(long id, String connector, long checkTime, boolean deleted) {
        return new Struct(HEALTH_VALUE).put("id", id).put("tenant_id", "acme").put("connector_id", connector)
                .put("connector_name", "Lenel").put("pacs_type", "LENEL").put("check_time", checkTime).put("status", "OK")
                .put("latency_ms", 120L).put("events_per_minute", 2.5f).put("__op", deleted ? "d" : "c")
                .put("__ts_ms", System.currentTimeMillis()).put("__deleted", deleted ? "true" : "false");
    }
}
