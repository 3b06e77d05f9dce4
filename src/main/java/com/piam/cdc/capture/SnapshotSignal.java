package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A request for Debezium's incremental snapshot, as its Kafka signal channel reads it: keyed by the topic prefix
 * (the connector's logical name), {@code {"id":…,"type":"execute-snapshot","data":{"data-collections":[…],
 * "type":"incremental","additional-conditions":[…]}}}. Written by {@code make snapshot} and by {@link FirstSnapshot}
 * on a first start; whichever runtime captures reads it.
 */
public final class SnapshotSignal {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotSignal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotSignal() {
    }

    /** The signal's JSON: the tables as "database.table", the condition (SQL on each table) or null for every row. */
    public static String json(String id, List<String> collections, String where) {
        ObjectNode data = JSON.createObjectNode();
        ArrayNode names = data.putArray("data-collections");
        collections.forEach(names::add);
        data.put("type", "incremental");
        if (where != null) {
            ArrayNode conditions = data.putArray("additional-conditions");
            collections.forEach(c -> conditions.addObject().put("data-collection", c).put("filter", where));
        }
        ObjectNode signal = JSON.createObjectNode();
        if (id != null) {
            signal.put("id", id);
        }
        signal.put("type", "execute-snapshot");
        signal.set("data", data);
        return signal.toString();
    }

    /** Writes the signal to the signal topic; returns once Kafka has it. */
    public static void send(KafkaConnection kafka, String topic, String key, String json, String clientId) throws Exception {
        try (KafkaProducer<String, String> producer = KafkaClients.producer(kafka, Map.of(
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            producer.send(new ProducerRecord<>(topic, key, json)).get(20, TimeUnit.SECONDS);
        }
    }

    /**
     * Whether the signal topic holds a request keyed {@code key} whose id begins with {@code idPrefix} that the capture's
     * signal consumer group ({@code group}) has not read yet (looks for at most 15 s; false when it cannot look).
     */
    static boolean unreadRequest(KafkaConnection kafka, String signalTopic, String signalGroup, String key, String idPrefix) {
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, signalGroup);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> c = KafkaClients.consumer(kafka, p)) {
            TopicPartition tp = new TopicPartition(signalTopic, 0);
            OffsetAndMetadata committed = c.committed(Set.of(tp), Duration.ofSeconds(10)).get(tp);
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
            long from = committed == null ? c.beginningOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp) : committed.offset();
            c.seek(tp, from);
            long deadline = System.currentTimeMillis() + 15_000;
            while (c.position(tp, Duration.ofSeconds(10)) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key()) && r.value() != null && r.value().contains("\"id\":\"" + idPrefix)) {
                        return true;
                    }
                }
            }
        } catch (Exception e) {
            LOG.warn("capture: could not look for an unread snapshot request in {} ({}); asking (again)", signalTopic, e.getMessage());
        }
        return false;
    }
}
