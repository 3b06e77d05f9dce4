package com.piam.cdc.consume;

import com.piam.cdc.config.KafkaConnection;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import com.piam.cdc.kafka.KafkaClients;
import com.piam.cdc.Retry;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PreflightException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.piam.cdc.record.RecordFormat;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Checks Kafka is reachable and creates the CDC topics (and their dead-letter topics) with
 * KAFKA_TOPIC_PARTITIONS partitions if they do not exist yet. Dead-letter topics take records up
 * to {@link DeadLetterWriter#MAX_RECORD_BYTES} (a change as large as its topic holds, plus the
 * reason), also when they existed before.
 */
public final class KafkaPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);
    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    private static final String DLQ_MAX = String.valueOf(DeadLetterWriter.MAX_RECORD_BYTES);

    private KafkaPreflight() {
    }

    /**
     * A CDC topic with fewer partitions than KAFKA_TOPIC_PARTITIONS gets more (never fewer), so runtimes added
     * later can share the consuming. A key's later changes may then land on another partition than its earlier
     * ones and be loaded in another order: the converged views still keep the highest version of each row.
     */
    private static void grow(Admin admin, PipelineSettings.Cdc cdc, Set<String> existing) throws Exception {
        List<String> topics = List.of(cdc.accessEventTopic(), cdc.connectorHealthTopic()).stream().filter(existing::contains).toList();
        if (topics.isEmpty()) {
            return;
        }
        Map<String, NewPartitions> more = new HashMap<>();
        describe(admin, topics).forEach((name, d) -> {
            if (d.partitions().size() < cdc.topicPartitions()) {
                more.put(name, NewPartitions.increaseTo(cdc.topicPartitions()));
                LOG.info("Kafka: {} grows from {} to {} partitions (KAFKA_TOPIC_PARTITIONS)", name, d.partitions().size(),
                        cdc.topicPartitions());
            }
        });
        if (more.isEmpty()) {
            return;
        }
        // another runtime starting at the same moment may have grown it first
        for (String grown : awaitEach(admin.createPartitions(more).values(), InvalidPartitionsException.class)) {
            LOG.info("Kafka: {} already grown by another runtime", grown);
        }
    }

    /**
     * Waits for each topic's result; a topic whose request failed with {@code raced} (another runtime did the
     * same at the same moment) is returned instead of failing the preflight.
     */
    private static Set<String> awaitEach(Map<String, KafkaFuture<Void>> results, Class<? extends Exception> raced) throws Exception {
        Set<String> lost = new HashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> f : results.entrySet()) {
            try {
                f.getValue().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!raced.isInstance(e.getCause())) {
                    throw e;
                }
                lost.add(f.getKey());
            }
        }
        return lost;
    }

    /** The topics' descriptions; one another runtime has just created may take a moment to be known to the broker. */
    private static Map<String, TopicDescription> describe(Admin admin, List<String> topics) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 10) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }

    /**
     * Waits until the broker reports at least KAFKA_TOPIC_PARTITIONS partitions for each CDC topic. A topic just
     * grown (here or by another runtime) is known to the controller before the broker's metadata shows it; a
     * consumer joining on the old figure would leave the new partitions unread until its next metadata refresh.
     */
    private static void awaitPartitions(Admin admin, PipelineSettings.Cdc cdc) throws Exception {
        List<String> topics = List.of(cdc.accessEventTopic(), cdc.connectorHealthTopic());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Map<String, Integer> fewer = new HashMap<>();
            describe(admin, topics).forEach((name, d) -> {
                if (d.partitions().size() < cdc.topicPartitions()) {
                    fewer.put(name, d.partitions().size());
                }
            });
            if (fewer.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker still reports " + fewer + " partitions 10 s after asking for "
                        + cdc.topicPartitions() + " (KAFKA_TOPIC_PARTITIONS)");
            }
            Thread.sleep(100);
        }
    }

    /**
     * Creates the topics; one that exists by now was created by another runtime starting at the same moment
     * (RUNTIMES=3 make demo starts three at once): fine, and returned so that it is grown like any existing one.
     */
    private static Set<String> create(Admin admin, List<NewTopic> topics) throws Exception {
        return awaitEach(admin.createTopics(topics).values(), TopicExistsException.class);
    }

    public static void check(PipelineSettings.Cdc cdc) {
        Map<String, Object> conf = Map.of(
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = KafkaClients.admin(cdc.kafka(), conf)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            Map<ConfigResource, Collection<AlterConfigOp>> dlqSize = new HashMap<>();
            for (String topic : List.of(cdc.accessEventTopic(), cdc.connectorHealthTopic())) {
                String dlq = RecordFormat.deadLetterTopic(topic);
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, cdc.topicPartitions(), (short) 1));
                }
                if (!existing.contains(dlq)) {
                    missing.add(new NewTopic(dlq, 1, (short) 1).configs(Map.of(MAX_MESSAGE_BYTES, DLQ_MAX)));
                } else {
                    dlqSize.put(new ConfigResource(ConfigResource.Type.TOPIC, dlq), List.of(
                            new AlterConfigOp(new ConfigEntry(MAX_MESSAGE_BYTES, DLQ_MAX), AlterConfigOp.OpType.SET)));
                }
            }
            if (cdc.captureEnabled() && !existing.contains(cdc.signalTopic())) {
                missing.add(new NewTopic(cdc.signalTopic(), 1, (short) 1));
            }
            if (cdc.captureLease()) {
                // the lease: one partition, one holder; the offsets: the latest per key; the schema history: kept whole
                if (!existing.contains(cdc.leaseTopic())) {
                    missing.add(new NewTopic(cdc.leaseTopic(), 1, (short) 1));
                }
                if (!existing.contains(cdc.offsetsTopic())) {
                    missing.add(new NewTopic(cdc.offsetsTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
                }
                if (!existing.contains(cdc.schemaHistoryTopic())) {
                    missing.add(new NewTopic(cdc.schemaHistoryTopic(), 1, (short) 1).configs(Map.of("cleanup.policy", "delete",
                            "retention.ms", "-1", "retention.bytes", "-1")));
                }
            }
            grow(admin, cdc, existing);
            if (!missing.isEmpty()) {
                grow(admin, cdc, create(admin, missing));
            }
            awaitPartitions(admin, cdc);
            if (!dlqSize.isEmpty()) {
                admin.incrementalAlterConfigs(dlqSize).all().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new PreflightException(problem(e, cdc.kafka()));
        }
    }

    /**
     * Why Kafka could not be used, in the server's words, with the setting to change: a refused login names KAFKA_USER,
     * KAFKA_PASSWORD and KAFKA_SASL_MECHANISM, a failed TLS handshake KAFKA_SECURITY_PROTOCOL and KAFKA_CA_FILE.
     */
    static String problem(Throwable e, KafkaConnection kafka) {
        String at = "Kafka at " + kafka.describe();
        String words = Retry.rootMessage(e);
        boolean timedOut = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            timedOut |= t instanceof org.apache.kafka.common.errors.TimeoutException || t instanceof java.util.concurrent.TimeoutException;
            if (t instanceof SaslAuthenticationException || t instanceof UnsupportedSaslMechanismException) {
                return at + " refused the login: " + words + "; check KAFKA_USER, KAFKA_PASSWORD (or KAFKA_PASSWORD_FILE) and "
                        + "KAFKA_SASL_MECHANISM (one the broker enables)";
            }
            if (t instanceof SslAuthenticationException) {
                return at + ": the TLS handshake failed: " + words + "; check KAFKA_SECURITY_PROTOCOL (SSL and SASL_SSL need a TLS "
                        + "listener at KAFKA_BOOTSTRAP) and KAFKA_CA_FILE (the CA that signed the brokers' certificates)";
            }
        }
        if (!KafkaConnection.PLAINTEXT.equals(kafka.security().getOrDefault("security.protocol", KafkaConnection.PLAINTEXT))
                && timedOut) {
            return at + " did not answer: " + words + "; a listener of another protocol at KAFKA_BOOTSTRAP looks like this: check "
                    + "KAFKA_SECURITY_PROTOCOL and KAFKA_BOOTSTRAP (the port of the listener for that protocol)";
        }
        return at + " is not usable: " + words + "; is it up (ops/local/stack.sh up kafka) and is KAFKA_BOOTSTRAP right?";
    }
}
