package com.piam.cdc.it;

import com.piam.cdc.consume.OffsetCommitListener;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A bad record that Kafka refuses to take on the dead-letter topic (here: the topic's
 * max.message.bytes shrunk below it) is never skipped: its partition waits, the verifier names
 * the partition, the offset and Kafka's refusal, nothing after it is committed; once Kafka takes
 * it, the flow resumes with every record.
 */
class DeadLetterHoldIT extends PipelineITSupport {

    static final String TOPIC = "cg.cloudgate.cg_access_event";

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1", "VERIFY_STALE_SECONDS", "5",
                "CLICKHOUSE_MAX_BACKOFF_SECONDS", "2");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    private static void dlqMaxBytes(Admin admin, String bytes) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC + ".dlq"), List.of(
                new AlterConfigOp(new ConfigEntry("max.message.bytes", bytes), AlterConfigOp.OpType.SET)))).all().get();
    }

    @Test
    void aRecordTheDeadLetterTopicRefusesHoldsItsPartitionUntilKafkaTakesIt() throws Exception {
        String p = "it-hold-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String good = BadRecordCorpusIT.event(p + "good-%d", null, null);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            dlqMaxBytes(admin, "64");
            try {
                RecordMetadata bad = producer.send(new ProducerRecord<>(TOPIC, "{\"event_id\":\"" + p + "bad\"}",
                        "{\"event_id\":\"" + p + "bad\", \"not json")).get();
                for (int i = 0; i < 5; i++) {
                    // on the bad record's partition (the topic may have several): behind it
                    producer.send(new ProducerRecord<>(TOPIC, bad.partition(), "{\"event_id\":\"" + p + "good-" + i + "\"}",
                            good.replace("%d", String.valueOf(i)))).get();
                }
                PipelineVerifier verifier = bean("pipelineVerifier", PipelineVerifier.class);
                String held = TOPIC + "-" + bad.partition() + " held at offset " + bad.offset();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> verifier.verify().reasons().contains(held));
                PipelineStatus status = verifier.verify();
                assertThat(status.overall()).isEqualTo(PipelineStatus.Overall.DEGRADED);
                assertThat(status.reasons()).contains(held, "dead-letter write failing", "RecordTooLargeException");
                assertThat(ClickHouseQuery.count("SELECT count()" + CurrentView.accessEventsWithPrefix(p + "good-")))
                        .as("the records after it wait behind it").isZero();
                assertThat(KafkaOffsets.committed(admin, KafkaOffsets.GROUP,
                        new TopicPartition(TOPIC, bad.partition())))
                        .as("nothing committed past the refused record").isLessThanOrEqualTo(bad.offset());
            } finally {
                dlqMaxBytes(admin, "16777216");
            }
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    ClickHouseQuery.count("SELECT count()" + CurrentView.accessEventsWithPrefix(p + "good-")) == 5);
            assertThat(DeadLetterTopic.find(TOPIC + ".dlq", k -> k.contains(p + "bad"), Duration.ofSeconds(10)))
                    .as("the record set aside once Kafka took it").isNotNull();
            OffsetCommitListener commits = bean("offsetCommits-consume-access-events", OffsetCommitListener.class);
            await().atMost(Duration.ofSeconds(10)).until(() -> commits.heldBack(0).isEmpty());
        }
    }
}
