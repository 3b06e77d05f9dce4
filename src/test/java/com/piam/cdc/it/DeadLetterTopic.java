package com.piam.cdc.it;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Reads a dead-letter topic of the local stack's broker from the start, as an operator would. */
final class DeadLetterTopic {

    private DeadLetterTopic() {
    }

    /** The first record on {@code topic} whose key matches, or null after {@code timeout}. */
    static ConsumerRecord<String, byte[]> find(String topic, Predicate<String> key, Duration timeout) {
        try (KafkaConsumer<String, byte[]> dlq = fromTheStart(topic)) {
            long until = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && key.test(r.key())) {
                        return r;
                    }
                }
            }
            return null;
        }
    }

    private static KafkaConsumer<String, byte[]> fromTheStart(String topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "it-dlq-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** Every record on {@code topic} whose key contains {@code keyPart}, by key, once {@code count} are found (or the timeout). */
    static Map<String, ConsumerRecord<String, byte[]>> collect(String topic, String keyPart, int count, Duration timeout) {
        Map<String, ConsumerRecord<String, byte[]>> found = new java.util.TreeMap<>();
        try (KafkaConsumer<String, byte[]> dlq = fromTheStart(topic)) {
            long until = System.currentTimeMillis() + timeout.toMillis();
            while (found.size() < count && System.currentTimeMillis() < until) {
                for (ConsumerRecord<String, byte[]> r : dlq.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.key().contains(keyPart)) {
                        found.put(r.key(), r);
                    }
                }
            }
        }
        return found;
    }

    /** A header's value as text, null when absent. */
    static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
