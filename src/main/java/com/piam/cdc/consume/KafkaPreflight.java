package com.piam.cdc.consume;

import com.piam.cdc.Retry;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PreflightException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Checks Kafka is reachable and creates the CDC topics (and their dead-letter topics) with
 * KAFKA_TOPIC_PARTITIONS partitions if they do not exist yet.
 */
public final class KafkaPreflight {

    private KafkaPreflight() {
    }

    public static void check(PipelineSettings.Cdc cdc) {
        Map<String, Object> conf = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cdc.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = Admin.create(conf)) {
            admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(cdc.accessEventTopic(), cdc.connectorHealthTopic())) {
                for (String t : List.of(topic, topic + ".dlq")) {
                    if (!existing.contains(t)) {
                        missing.add(new NewTopic(t, t.endsWith(".dlq") ? 1 : cdc.topicPartitions(), (short) 1));
                    }
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new PreflightException("Kafka at " + cdc.kafkaBootstrap() + " is not usable: " + Retry.rootMessage(e)
                    + "; is it up (ops/local/stack.sh up kafka) and is KAFKA_BOOTSTRAP right?");
        }
    }
}
