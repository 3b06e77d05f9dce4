package com.piam.cdc.it;

import com.piam.cdc.record.RecordFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * docs/bad-data.md's table of bad records, on the real topics: each record is either loaded correctly
 * or set aside on the dead-letter topic with its reason, and the records after it load. A row
 * that would be loaded is expected as "LOADED"; anything else is the reason's expected words.
 */
class BadRecordCorpusIT extends PipelineITSupport {

    static final String ACCESS = "cg.cloudgate.cg_access_event";
    static final String HEALTH = "cg.cloudgate.cg_connector_health";
    static final String LOADED = "LOADED";

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    static String event(String id, String replace, String with) {
        String good = "{\"event_id\":\"" + id + "\",\"tenant_id\":\"acme\",\"event_time\":" + System.currentTimeMillis()
                + ",\"person_id\":null,\"badge_id\":\"ACM-1\",\"site_id\":\"acme-hq\",\"location_id\":\"acme-hq-lobby\","
                + "\"direction\":\"IN\",\"result\":\"GRANT\",\"event_type\":\"ACCESS_GRANTED\",\"pacs_source\":\"LENEL\","
                + "\"pacs_event_id\":\"p-1\",\"raw_payload\":\"{}\",\"suspicious_flag\":0,\"suspicious_score\":0.0,"
                + "\"__op\":\"c\",\"__ts_ms\":" + System.currentTimeMillis() + "}";
        return replace == null ? good : good.replace(replace, with);
    }

    static String health(String id, String replace, String with) {
        String good = "{\"id\":1,\"tenant_id\":\"acme\",\"connector_id\":\"" + id + "\",\"connector_name\":\"Lenel\","
                + "\"pacs_type\":\"LENEL\",\"check_time\":" + System.currentTimeMillis() + ",\"status\":\"OK\",\"latency_ms\":120,"
                + "\"events_per_minute\":3.5,\"error_count_1h\":0,\"__op\":\"c\",\"__ts_ms\":" + System.currentTimeMillis() + "}";
        return replace == null ? good : good.replace(replace, with);
    }

    @Test
    void everyBadRecordIsLoadedOrSetAsideWithItsReasonAndTheFlowGoesOn() throws Exception {
        String p = "it-corpus-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        // case -> {topic, value bytes, expected}
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put(p + "malformed-json", new Object[] {ACCESS, bytes("{\"event_id\":\"" + p + "malformed-json\","), "value is not valid JSON"});
        cases.put(p + "array", new Object[] {ACCESS, bytes("[1,2,3]"), "value is not a JSON object (array)"});
        cases.put(p + "number-for-text", new Object[] {ACCESS, bytes(event(p + "number-for-text", "\"ACM-1\"", "4711")), LOADED});
        cases.put(p + "text-for-time", new Object[] {ACCESS, bytes(event(p + "text-for-time", "\"event_time\":", "\"event_time\":\"yesterday\",\"x\":")),
                "event_time='yesterday' is not epoch millis or ISO-8601 time"});
        cases.put(p + "nan-token", new Object[] {ACCESS, bytes(event(p + "nan-token", "\"suspicious_score\":0.0", "\"suspicious_score\":NaN")),
                "value is not valid JSON"});
        cases.put(p + "nan-text", new Object[] {ACCESS, bytes(event(p + "nan-text", "\"suspicious_score\":0.0", "\"suspicious_score\":\"NaN\"")),
                "suspicious_score=NaN is not a finite number"});
        cases.put(p + "unknown-enum", new Object[] {ACCESS, bytes(event(p + "unknown-enum", "\"LENEL\"", "\"HONEYWELL\"")),
                "pacs_source='HONEYWELL' (expected LENEL, CCURE, S2 or GENETEC)"});
        cases.put(p + "missing-required", new Object[] {ACCESS, bytes(event(p + "missing-required", "\"tenant_id\":\"acme\",", "")),
                "tenant_id is missing"});
        byte[] badUtf8 = event(p + "invalid-utf8", "\"ACM-1\"", "\"ACM-\u00e9\"").getBytes(StandardCharsets.ISO_8859_1);
        cases.put(p + "invalid-utf8", new Object[] {ACCESS, badUtf8, "Invalid UTF-8"});
        cases.put(p + "before-1970", new Object[] {ACCESS, bytes(event(p + "before-1970", "\"event_time\":", "\"event_time\":-152000000000,\"y\":")),
                "event_time 1965-03-08T17:46:40Z is before 1970"});
        cases.put(p + "one-megabyte", new Object[] {ACCESS, bytes(event(p + "one-megabyte", "\"raw_payload\":\"{}\"",
                "\"raw_payload\":\"" + "m".repeat(1_000_000) + "\"")), LOADED});
        cases.put(p + "negative-uint", new Object[] {HEALTH, bytes(health(p + "negative-uint", "\"latency_ms\":120", "\"latency_ms\":-5")),
                "latency_ms=-5 is out of range"});
        cases.put(p + "too-large-uint", new Object[] {HEALTH, bytes(health(p + "too-large-uint", "\"error_count_1h\":0", "\"error_count_1h\":5000000000")),
                "error_count_1h=5000000000 is out of range"});
        // INT UNSIGNED holds up to 4294967295 in MySQL and UInt32 in ClickHouse (issue 23: the mapping stopped at 2147483647)
        cases.put(p + "uint-max", new Object[] {HEALTH, bytes(health(p + "uint-max", "\"latency_ms\":120,", "\"latency_ms\":4294967295,")
                .replace("\"error_count_1h\":0", "\"error_count_1h\":4294967295")), LOADED});
        String after = p + "after-all";

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_000,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (Map.Entry<String, Object[]> c : cases.entrySet()) {
                String topic = (String) c.getValue()[0];
                String key = topic.equals(ACCESS) ? "{\"event_id\":\"" + c.getKey() + "\"}" : "{\"id\":\"" + c.getKey() + "\"}";
                producer.send(new ProducerRecord<>(topic, key, (byte[]) c.getValue()[1])).get();
            }
            producer.send(new ProducerRecord<>(ACCESS, "{\"event_id\":\"" + after + "\"}", bytes(event(after, null, null)))).get();
        }
        String loadedAccess = "SELECT count()" + CurrentView.accessEvents("tenant_id = 'acme' AND event_id = '%s'");
        await().atMost(Duration.ofSeconds(30)).until(() -> ClickHouseQuery.count(loadedAccess.formatted(after)) == 1);

        long setAside = cases.values().stream().filter(v -> !LOADED.equals(v[2])).count();
        Map<String, ConsumerRecord<String, byte[]>> letters = new LinkedHashMap<>();
        letters.putAll(DeadLetterTopic.collect(ACCESS + ".dlq", p, (int) cases.values().stream()
                .filter(v -> v[0] == ACCESS && !LOADED.equals(v[2])).count(), Duration.ofSeconds(30)));
        letters.putAll(DeadLetterTopic.collect(HEALTH + ".dlq", p, 2, Duration.ofSeconds(30)));
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            String id = c.getKey();
            String expected = (String) c.getValue()[2];
            ConsumerRecord<String, byte[]> letter = letters.entrySet().stream().filter(e -> e.getKey().contains("\"" + id + "\""))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            if (LOADED.equals(expected) && c.getValue()[0] == HEALTH) {
                assertThat(letter).as(id + " is not set aside").isNull();
                String health = "SELECT concat(toString(latency_ms), ' ', toString(error_count_1h)) FROM piam.connector_health_current"
                        + " WHERE tenant_id = 'acme' AND connector_id = '" + id + "'";
                await().atMost(Duration.ofSeconds(30)).until(() -> !ClickHouseQuery.column(health).isEmpty());
                assertThat(ClickHouseQuery.column(health)).as(id + " loaded with its values").containsExactly("4294967295 4294967295");
            } else if (LOADED.equals(expected)) {
                assertThat(letter).as(id + " is not set aside").isNull();
                assertThat(ClickHouseQuery.count(loadedAccess.formatted(id))).as(id + " loaded").isEqualTo(1);
            } else {
                assertThat(letter).as(id + " on the dead-letter topic").isNotNull();
                assertThat(DeadLetterTopic.header(letter, RecordFormat.DLQ_REASON_HEADER)).as(id + "'s reason").contains(expected);
                assertThat(letter.value()).as(id + " kept byte for byte").isEqualTo((byte[]) c.getValue()[1]);
            }
        }
        assertThat(letters).hasSize((int) setAside);
        assertThat(ClickHouseQuery.count("SELECT length(raw_payload)" + CurrentView.accessEvents("tenant_id = 'acme' AND event_id = '"
                + p + "one-megabyte'"))).isEqualTo(1_000_000);
        assertThat(ClickHouseQuery.text("SELECT badge_id" + CurrentView.accessEvents("tenant_id = 'acme' AND event_id = '"
                + p + "number-for-text'")).strip()).isEqualTo("4711");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
