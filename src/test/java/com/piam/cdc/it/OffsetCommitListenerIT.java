package com.piam.cdc.it;

import com.piam.cdc.consume.OffsetCommitListener;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stop-time commit through the admin client (real broker): only the settled prefix of a
 * partition is committed, whatever order records are settled in, and a commit never moves a
 * group's offset backwards. Records whose batch failed unexpectedly are read again by the real consumer
 * (it seeks back to them) and loaded once, while the others read again with them are dropped.
 */
class OffsetCommitListenerIT {

    private static final TopicPartition PARTITION = new TopicPartition(KafkaOffsets.ACCESS_EVENTS, 0);

    private static long committed(Admin admin, String group) throws Exception {
        return KafkaOffsets.committed(admin, group, PARTITION);
    }

    @Test
    void onlyTheSettledPrefixIsCommittedAndNeverMovedBack() throws Exception {
        String group = "it-offset-commits-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()))) {
            OffsetCommitListener commits = new OffsetCommitListener();
            assertThat(commits.commitRemaining(admin, group, 5000)).as("nothing received").isEmpty();

            Map<Long, KafkaManualCommit> handles = new HashMap<>();
            for (long offset = 3; offset <= 9; offset++) { // records received in order
                handles.put(offset, commits.newInstance(null, new KafkaRecordPayload(PARTITION, offset, 5000), null));
            }
            handles.get(3L).commit();
            handles.get(4L).commit();
            handles.get(9L).commit(); // a later batch finished first
            handles.get(7L).commit();
            assertThat(commits.commitRemaining(admin, group, 5000)).contains(PARTITION.toString());
            assertThat(committed(admin, group)).as("up to the first unsettled record (5)").isEqualTo(5);
            assertThat(commits.heldBack(0)).singleElement().asString().contains(PARTITION + " held at offset 5");

            handles.get(5L).commit();
            handles.get(6L).commit();
            handles.get(8L).commit();
            commits.commitRemaining(admin, group, 5000);
            assertThat(committed(admin, group)).as("everything settled: after the last received").isEqualTo(10);
            assertThat(commits.heldBack(0)).isEmpty();
            assertThat(commits.commitRemaining(admin, group, 5000)).as("nothing new").isEmpty();

            OffsetCommitListener late = new OffsetCommitListener(); // e.g. a runtime that read from an older commit
            late.newInstance(null, new KafkaRecordPayload(PARTITION, 4, 5000), null).commit();
            late.commitRemaining(admin, group, 5000);
            assertThat(committed(admin, group)).as("never moved backwards").isEqualTo(10);
        }
    }

    @Test
    void recordsOfAFailedBatchAreReadAgainAndOnlyThey() throws Exception {
        String bootstrap = StackLogins.kafkaBootstrap();
        String topic = "it-abandoned-" + UUID.randomUUID().toString().substring(0, 8);
        TopicPartition p = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
                DefaultCamelContext context = new DefaultCamelContext()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
                }
            }
            String group = "it-abandoned-" + UUID.randomUUID();
            OffsetCommitListener commits = new OffsetCommitListener();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                commits.setConsumer(consumer);
                // first read: every record taken
                Map<Long, KafkaManualCommit> first = new TreeMap<>();
                List<Long> dropped = new ArrayList<>();
                readUntil(consumer, commits, context, first, dropped, () -> first.size() == 10);
                assertThat(dropped).isEmpty();

                first.get(0L).commit();
                first.get(1L).commit();
                commits.abandoned(p, 4); // a batch of 4..6 failed with an Error
                commits.abandoned(p, 5);
                commits.abandoned(p, 6);
                commits.abandoned(p, 0); // settled already: not read again
                for (long o : List.of(2L, 3L, 7L, 8L, 9L)) {
                    first.get(o).commit(); // the batches around it were loaded
                }
                Map<Long, KafkaManualCommit> again = new TreeMap<>();
                readUntil(consumer, commits, context, again, dropped, () -> again.size() == 3 && dropped.size() == 3);
                assertThat(again.keySet()).as("taken again: the failed batch's records").containsExactly(4L, 5L, 6L);
                assertThat(dropped).as("read again but held (settled) here: dropped").containsExactly(7L, 8L, 9L);
                assertThat(commits.heldBack(0)).singleElement().asString().contains(p + " held at offset 4");

                again.values().forEach(KafkaManualCommit::commit);
                readUntil(consumer, commits, context, again, dropped, () -> {
                    try {
                        return KafkaOffsets.committed(admin, group, p) == 10;
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(commits.heldBack(0)).isEmpty();
                assertThat(again).as("nothing read a third time").hasSize(3);
                assertThat(dropped).hasSize(3);
            }
        }
    }

    /** Polls as the consume route does (listener after each poll, then a handle per record) until {@code done}. */
    private static void readUntil(KafkaConsumer<String, String> consumer, OffsetCommitListener commits, DefaultCamelContext context,
            Map<Long, KafkaManualCommit> taken, List<Long> dropped, java.util.function.BooleanSupplier done) {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!done.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as("read in time (taken %s, dropped %s)", taken.keySet(), dropped).isLessThan(deadline);
            var records = consumer.poll(Duration.ofMillis(200));
            commits.afterConsume(consumer);
            for (ConsumerRecord<String, String> r : records) {
                Exchange e = new DefaultExchange(context);
                KafkaManualCommit handle = commits.newInstance(new CamelExchangePayload(e, null, "it", null),
                        new KafkaRecordPayload(new TopicPartition(r.topic(), r.partition()), r.offset(), 5000), null);
                if (e.getProperty(OffsetCommitListener.REDELIVERED, false, Boolean.class)) {
                    dropped.add(r.offset());
                } else {
                    taken.put(r.offset(), handle);
                }
            }
        }
    }
}
