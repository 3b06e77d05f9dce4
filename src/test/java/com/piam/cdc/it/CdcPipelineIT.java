package com.piam.cdc.it;

import com.piam.cdc.record.RecordFormat;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import com.piam.cdc.verify.StageStatus;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** INGEST_MODE=cdc end to end on the local stack: MariaDB → capture → Kafka → consume → load → ClickHouse. */
class CdcPipelineIT extends PipelineITSupport {

    static final String TOPIC = "cg.cloudgate.cg_access_event";
    final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "cdc",
                "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    long converged(String where) throws Exception {
        return clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix) + where);
    }

    @Test
    void insertUpdateAndDeleteReachTheConvergedView() throws Exception {
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, prefix, 0, 3);
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
                    .until(() -> converged("") == 3);

            Cloudgate.execute(db, "UPDATE cg_access_event SET result = 'DENY', deny_reason = 'ANTIPASSBACK', "
                    + "deny_code = 'LENEL-104' WHERE event_id = '" + prefix + "1'");
            await().atMost(Duration.ofSeconds(10)).until(() -> converged(" AND result = 'DENY'") == 1);
            assertThat(converged("")).isEqualTo(3);
            assertThat(clickHouse("SELECT count() FROM piam.fact_access_events WHERE event_id = '" + prefix + "1'"))
                    .as("both versions stored, one visible").isGreaterThanOrEqualTo(1);
            assertThat(clickHouse("SELECT any(deny_reason = 'ANTIPASSBACK')" + CurrentView.accessEvents("event_id = '"
                    + prefix + "1'"))).isEqualTo(1);

            Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id = '" + prefix + "2'");
            await().atMost(Duration.ofSeconds(10)).until(() -> converged("") == 2);
            assertThat(converged(" AND event_id = '" + prefix + "2'")).isZero();
            assertThat(ClickHouseQuery.count("SELECT count() FROM piam.access_events_current WHERE event_id LIKE '" + prefix + "%'"))
                    .as("the view itself, as the dashboard reads it").isEqualTo(2);
            assertThat(clickHouse("SELECT count() FROM piam.fact_access_events FINAL WHERE event_id = '" + prefix
                    + "2' AND is_deleted = 1 AND cdc_op = 'd'")).isEqualTo(1);
        }
    }

    @Test
    void stoppingOnlyTheLoaderLosesAndDoublesNothing() throws Exception {
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, prefix, 0, 300);
            await().atMost(Duration.ofSeconds(15)).until(() -> converged("") > 0);
            context.getRouteController().stopRoute("load-access-events");
            long atStop = converged("");
            Cloudgate.insertAccessEvents(db, prefix, 300, 700);
            Thread.sleep(4000);
            assertThat(converged("")).as("nothing loads while load-access-events is stopped").isEqualTo(atStop);
            context.getRouteController().startRoute("load-access-events");
            await().atMost(Duration.ofSeconds(20)).until(() -> converged("") == 1000);
        }
        // each row was written exactly once: no replay happened, so the raw table has no copies either
        String mine = " FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'";
        assertThat(clickHouse("SELECT count()" + mine)).isEqualTo(1000);
        assertThat(clickHouse("SELECT uniqExact(event_id)" + mine)).isEqualTo(1000);
    }

    @Test
    void malformedRecordGoesToTheDeadLetterTopicAndConnectShapedRecordsLoad() throws Exception {
        String good = """
                {"event_id":"%s","tenant_id":"buildright","event_time":1795420705517,"person_id":"br-p2001",
                 "badge_id":"BR-730000","site_id":"br-campus","location_id":"br-campus-lab","direction":"OUT",
                 "result":"DENY","event_type":"ACCESS_DENIED","deny_reason":"SCHEDULE_VIOLATION","deny_code":"GENETEC-105",
                 "pacs_source":"GENETEC","pacs_event_id":"syn-1","raw_payload":"{}","suspicious_flag":0,
                 "suspicious_reason":null,"suspicious_score":0.0,"processed_at":1795420705600,"__op":"c","__ts_ms":%d}""";
        String badKey = prefix + "bad";
        RecordMetadata bad;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            bad = producer.send(new ProducerRecord<>(TOPIC, badKey, "{\"event_id\":\"" + badKey + "\",\"__op\":\"c\"}")).get();
            for (int i = 0; i < 3; i++) {
                String id = prefix + "connect-" + i;
                producer.send(new ProducerRecord<>(TOPIC, "{\"event_id\":\"" + id + "\"}",
                        good.formatted(id, System.currentTimeMillis()))).get();
            }
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> converged(" AND event_id LIKE '" + prefix + "connect-%'") == 3);
        assertThat(clickHouse("SELECT count()" + CurrentView.accessEvents("event_id = '" + prefix
                + "connect-1' AND pacs_source = 'GENETEC' AND deny_reason = 'SCHEDULE_VIOLATION' "
                + "AND event_time_ms = 1795420705517 AND person_id = 'br-p2001'"))).isEqualTo(1);
        assertThat(converged(" AND event_id = '" + badKey + "'")).isZero();

        try (KafkaConsumer<String, String> dlq = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + prefix,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            dlq.subscribe(List.of(TOPIC + ".dlq"));
            ConsumerRecord<String, String> found = null;
            long until = System.currentTimeMillis() + 15_000;
            while (found == null && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, String> r : dlq.poll(Duration.ofMillis(500))) {
                    if (badKey.equals(r.key())) {
                        found = r;
                    }
                }
            }
            assertThat(found).as("the malformed record on " + TOPIC + ".dlq").isNotNull();
            assertThat(found.value()).contains(badKey);
            assertThat(new String(found.headers().lastHeader(RecordFormat.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo("tenant_id is missing");
            assertThat(new String(found.headers().lastHeader(RecordFormat.DLQ_SOURCE_HEADER).value(), StandardCharsets.UTF_8))
                    .isEqualTo(TOPIC + "/" + bad.partition() + "/" + bad.offset());
        }
        // the operator sees the set-aside records in the verifier's Kafka stage
        PipelineStatus status = bean("pipelineVerifier", PipelineVerifier.class).verify();
        StageStatus kafka = status.stages().stream().filter(st -> st.stage().equals("kafka")).findFirst().orElseThrow();
        assertThat((Long) kafka.facts().get("dead_letters " + TOPIC + ".dlq")).isGreaterThanOrEqualTo(1L);
        // and the verdict names it: DEGRADED for the next 10 minutes, with the newest reason
        StageStatus rejected = status.stages().stream().filter(st -> st.stage().equals("rejected")).findFirst().orElseThrow();
        assertThat(rejected.ok()).isFalse();
        assertThat(status.reasons()).contains("set aside in the last 10 minutes", "tenant_id is missing", TOPIC + "/" + bad.partition() + "@" + bad.offset());
    }
}
