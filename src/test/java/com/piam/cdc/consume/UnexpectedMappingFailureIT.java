package com.piam.cdc.consume;

import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.load.RowsSetAside;
import com.piam.cdc.record.RecordFormat;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.CamelExchangePayload;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.KafkaRecordPayload;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The consume step when the mapping fails in a way nobody foresaw (real broker): a RuntimeException sets the record
 * aside on the dead-letter topic with the reason and settles it, so the partition goes on; an Error (out of memory)
 * lets go of the record unsettled, to be read again, instead of leaving it unsettled for good.
 */
class UnexpectedMappingFailureIT {

    private static final String BOOTSTRAP = System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:9092");

    private static Exchange record(DefaultCamelContext context, OffsetCommitListener commits, TopicPartition p, long offset) {
        commits.newInstance(null, new KafkaRecordPayload(p, offset,
                5000), null);
        Exchange e = new DefaultExchange(context);
        e.getMessage().setHeader(KafkaConstants.TOPIC, p.topic());
        e.getMessage().setHeader(KafkaConstants.PARTITION, p.partition());
        e.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        e.getMessage().setHeader(KafkaConstants.KEY, "{\"event_id\":\"k-" + offset + "\"}");
        e.getMessage().setBody(("{\"event_id\":\"k-" + offset + "\",\"tenant_id\":\"acme\"}").getBytes(StandardCharsets.UTF_8));
        return e;
    }

    @Test
    void aRuntimeExceptionSetsTheRecordAsideAndAnErrorLetsItBeReadAgain() throws Exception {
        String topic = "it-mapping-" + UUID.randomUUID().toString().substring(0, 8);
        TopicPartition p = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP));
                DefaultCamelContext context = new DefaultCamelContext()) {
            admin.createTopics(List.of(new NewTopic(RecordFormat.deadLetterTopic(topic), 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            DeadLetterWriter deadLetters = new DeadLetterWriter(com.piam.cdc.config.KafkaConnection.plaintext(BOOTSTRAP));
            deadLetters.start();
            try {
                OffsetCommitListener commits = new OffsetCommitListener();
                RowsSetAside setAside = new RowsSetAside();
                SourceColumns columns = new SourceColumns(PipelineTable.ACCESS_EVENTS);
                RecordIntake npe = new RecordIntake("piam.fact_access_events", columns, (row, meta) -> {
                    throw new NullPointerException("Cannot invoke \"String.length()\" because \"s\" is null");
                }, (key, meta) -> null, commits, deadLetters, setAside, () -> false, 1000);
                Exchange first = record(context, commits, p, 0);
                npe.process(first);
                assertThat(first.isRouteStop()).as("not handed to the loader").isTrue();
                assertThat(setAside.recent("piam.fact_access_events", 60_000).newestReason())
                        .isEqualTo("could not be mapped: NullPointerException: Cannot invoke \"String.length()\" because \"s\" is null");
                assertThat(commits.heldBack(0)).as("settled: the partition goes on").isEmpty();
                ConsumerRecord<String, byte[]> letter = readOne(RecordFormat.deadLetterTopic(topic));
                assertThat(letter.key()).isEqualTo("{\"event_id\":\"k-0\"}");
                assertThat(new String(letter.headers().lastHeader(RecordFormat.DLQ_REASON_HEADER).value(), StandardCharsets.UTF_8))
                        .startsWith("could not be mapped: NullPointerException");

                RecordIntake outOfMemory = new RecordIntake("piam.fact_access_events", columns, (row, meta) -> {
                    throw new OutOfMemoryError("Java heap space (test)");
                }, (key, meta) -> null, commits, deadLetters, setAside, () -> false, 1000);
                Exchange second = record(context, commits, p, 1);
                assertThatThrownBy(() -> outOfMemory.process(second)).isInstanceOf(OutOfMemoryError.class);
                assertThat(commits.heldBack(0)).as("not skipped: the commit waits at it").singleElement().asString()
                        .contains(p + " held at offset 1");
                Exchange again = new DefaultExchange(context);
                commits.newInstance(new CamelExchangePayload(again,
                        null, "it", null), new KafkaRecordPayload(p,
                        1, 5000), null);
                assertThat(again.getProperty(OffsetCommitListener.REDELIVERED, false, Boolean.class))
                        .as("its next read is taken, not dropped as a copy held here").isFalse();
            } finally {
                deadLetters.stop();
            }
        }
    }

    private static ConsumerRecord<String, byte[]> readOne(String topic) {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            long until = System.currentTimeMillis() + 15_000;
            while (got.isEmpty() && System.currentTimeMillis() < until) {
                c.poll(Duration.ofMillis(300)).forEach(got::add);
            }
            assertThat(got).as("the dead-letter record").hasSize(1);
            return got.get(0);
        }
    }
}
