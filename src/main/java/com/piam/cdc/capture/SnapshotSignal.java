package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A request for Debezium's incremental snapshot, as its Kafka signal channel reads it: keyed by the topic prefix
 * (the connector's logical name), {@code {"id":…,"type":"execute-snapshot","data":{"data-collections":[…],
 * "type":"incremental","additional-conditions":[…]}}}. Written by {@code make snapshot} and by {@link FirstSnapshot}
 * on a first start; whichever runtime captures reads it.
 */
public final class SnapshotSignal {

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
}
