package com.piam.cdc.verify;

import com.piam.cdc.kafka.KafkaClients;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.consume.DeadLetterWriter;
import com.piam.cdc.consume.OffsetCommitListener;
import com.piam.cdc.domain.PipelineTable;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static com.piam.cdc.verify.PipelineVerifier.TIMEOUT_SECONDS;
import static com.piam.cdc.verify.VerifyText.age;

/**
 * Kafka answers; the consumer group's lag per topic, and a lag that does not shrink for longer than
 * the stale limit; records on the dead-letter topics; a partition whose commit waits behind a record.
 * It also counts the dead-letter records of the last VERIFY_SET_ASIDE_SECONDS for the rejected stage.
 */
final class KafkaStage implements Stage {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStage.class);

    private final CamelContext context;
    private final PipelineSettings settings;
    private final Routes routes;
    private final DeadLetterRecency dlqRecency;
    /** Per topic: committed offsets seen last time and when they last moved (or the lag was 0). */
    private final Map<String, long[]> progress = new HashMap<>();
    private volatile Map<String, DeadLetterRecency.Recent> deadLettersRecent = Map.of();
    private Admin kafka;

    KafkaStage(CamelContext context, PipelineSettings settings) {
        this.context = context;
        this.settings = settings;
        this.routes = new Routes(context);
        this.dlqRecency = new DeadLetterRecency(settings.cdc().kafka());
    }

    @Override
    public String name() {
        return "kafka";
    }

    /** Per fact table: the dead-letter records of the last VERIFY_SET_ASIDE_SECONDS, as of the last check. */
    Map<String, DeadLetterRecency.Recent> deadLettersRecent() {
        return deadLettersRecent;
    }

    @Override
    public StageStatus check(VerifyRound round) {
        long now = round.now;
        PipelineSettings.Cdc cdc = settings.cdc();
        StageStatus.Builder b = StageStatus.of(name()).fact("bootstrap", cdc.kafkaBootstrap());
        Map<String, String> consumers = new HashMap<>();
        for (PipelineTable t : PipelineTable.values()) {
            consumers.put(cdc.topic(t), t.loadRoute());
        }
        try {
            Admin admin = kafka();
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            b.fact("reachable", true);
            List<String> topics = List.copyOf(new TreeMap<>(consumers).keySet());
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> begins = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(cdc.consumerGroup())
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, Long> lag = new TreeMap<>();
            Map<String, Long> committedSum = new TreeMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c == null ? begins.getOrDefault(tp, 0L) : c.offset();
                lag.merge(tp.topic(), Math.max(0, ends.getOrDefault(tp, 0L) - from), Long::sum);
                committedSum.merge(tp.topic(), from, Long::sum);
            }
            for (String topic : topics) {
                long l = lag.getOrDefault(topic, 0L);
                b.fact("lag " + topic, l);
                long[] seen = progress.computeIfAbsent(topic, t -> new long[] {-1, now});
                long sum = committedSum.getOrDefault(topic, 0L);
                if (l == 0 || sum != seen[0]) {
                    seen[0] = sum;
                    seen[1] = now;
                }
                long stalled = now - seen[1];
                if (l > 0 && stalled > settings.verify().staleSeconds() * 1000L) {
                    b.problem("Kafka: " + l + " records waiting on " + topic + ", none loaded for " + age(stalled)
                            + " (" + consumers.get(topic) + " is " + routes.status(consumers.get(topic)) + ")");
                }
            }
            members(admin, cdc.consumerGroup(), b);
            deadLetters(admin, topics, b);
            heldBack(b);
            recentDeadLetters(admin, now);
        } catch (Exception e) {
            closeKafka();
            b.fact("reachable", false).problem("Kafka: " + VerifyText.problem(e, cdc.kafkaBootstrap()));
        }
        return b.build();
    }

    private void recentDeadLetters(Admin admin, long now) {
        PipelineSettings.Cdc cdc = settings.cdc();
        String db = settings.clickHouseDatabase();
        Map<String, DeadLetterRecency.Recent> recent = new HashMap<>();
        for (PipelineTable t : PipelineTable.values()) {
            String topic = cdc.topic(t);
            String table = db + "." + t.fact;
            try {
                recent.put(table, dlqRecency.since(admin, topic + ".dlq", now - settings.verify().setAsideSeconds() * 1000L,
                        TIMEOUT_SECONDS));
            } catch (Exception e) {
                LOG.debug("dead-letter recency of {}: {}", topic, e.toString());
            }
        }
        deadLettersRecent = recent;
    }

    /** A partition whose commit waits behind a record for longer than the stale limit is named with its offset. */
    private void heldBack(StageStatus.Builder b) {
        DeadLetterWriter writer = context.getRegistry().lookupByNameAndType("deadLetterWriter", DeadLetterWriter.class);
        String dlqProblem = writer == null ? "" : writer.lastFailure();
        for (OffsetCommitListener commits : context.getRegistry().findByType(OffsetCommitListener.class)) {
            for (String held : commits.heldBack(settings.verify().staleSeconds() * 1000L)) {
                b.problem("Kafka: " + held + (dlqProblem.isEmpty() ? "" : "; dead-letter write failing: " + dlqProblem));
            }
        }
        if (!dlqProblem.isEmpty()) {
            b.fact("dead_letter_write", dlqProblem);
        }
    }

    /** Which member of the consumer group (runtime/route) holds which partitions: they move when runtimes come and go. */
    private static void members(Admin admin, String group, StageStatus.Builder b) throws Exception {
        Map<String, List<String>> held = new TreeMap<>();
        admin.describeConsumerGroups(List.of(group)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group).members()
                .forEach(m -> m.assignment().topicPartitions().forEach(tp -> held.computeIfAbsent(m.clientId(), c -> new ArrayList<>())
                        .add(tp.topic().substring(tp.topic().lastIndexOf('.') + 1) + "-" + tp.partition())));
        held.values().forEach(l -> l.sort(null));
        b.fact("consumers", held.entrySet().stream().map(e -> e.getKey() + ": " + String.join(" ", e.getValue()))
                .collect(Collectors.joining("; ")));
    }

    /** Records set aside on each {@code <topic>.dlq} (by design not a failure: the flow went on). */
    private static void deadLetters(Admin admin, List<String> topics, StageStatus.Builder b) throws Exception {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> dlqs = topics.stream().map(t -> t + ".dlq").filter(existing::contains).toList();
        Map<String, Long> counts = new TreeMap<>();
        topics.forEach(t -> counts.put(t + ".dlq", 0L));
        if (!dlqs.isEmpty()) {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(dlqs).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()
                    .forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> begins = offsets(admin, partitions, OffsetSpec.earliest());
            for (TopicPartition tp : partitions) {
                counts.merge(tp.topic(), ends.getOrDefault(tp, 0L) - begins.getOrDefault(tp, 0L), Long::sum);
            }
        }
        counts.forEach((dlq, n) -> b.fact("dead_letters " + dlq, n));
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        return admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Admin kafka() {
        if (kafka == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "piam-verify");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
            p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
            kafka = KafkaClients.admin(settings.cdc().kafka(), p);
        }
        return kafka;
    }

    private void closeKafka() {
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(1));
            kafka = null;
        }
    }

    @Override
    public void close() {
        closeKafka();
        dlqRecency.close();
    }
}
