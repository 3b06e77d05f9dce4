package com.piam.cdc.reconcile;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.record.ChangeParser;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.TopicReader;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The keys on a dead-letter topic, with the reason each was set aside: a row missing in ClickHouse whose
 * key is here was set aside, not lost. Reads the topic once from the start, then only what is new.
 */
public final class DeadLetterKeys implements AutoCloseable {

    private final String bootstrap;
    private final Map<String, Map<String, String>> byTopic = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;

    public DeadLetterKeys(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** The dead-letter topic of a table's change topic. */
    public static String topic(PipelineSettings.Cdc cdc, PipelineTable t) {
        return RecordFormat.deadLetterTopic(cdc.topic(t));
    }

    /** Key (the first key column's value as text) -> reason, of every record on {@code dlqTopic} so far. */
    public synchronized Map<String, String> keys(String dlqTopic, Duration timeout) {
        Map<String, String> keys = byTopic.computeIfAbsent(dlqTopic, t -> new HashMap<>());
        KafkaConsumer<byte[], byte[]> c = consumer();
        List<PartitionInfo> infos = c.partitionsFor(dlqTopic, timeout);
        if (infos == null || infos.isEmpty()) {
            return keys;
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(dlqTopic, p.partition())));
        Map<TopicPartition, Long> ends = c.endOffsets(partitions, timeout);
        c.assign(partitions);
        for (TopicPartition p : partitions) {
            c.seek(p, positions.getOrDefault(p, 0L));
        }
        long until = System.currentTimeMillis() + timeout.toMillis();
        while (partitions.stream().anyMatch(p -> positions.getOrDefault(p, 0L) < ends.get(p)) && System.currentTimeMillis() < until) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
                String key = key(r.key());
                if (key != null) {
                    Header reason = r.headers().lastHeader(RecordFormat.DLQ_REASON_HEADER);
                    keys.put(key, reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8));
                }
            }
        }
        c.unsubscribe();
        return keys;
    }

    /** The row a record key names: "e-1" for {"event_id":"e-1"}, "42" for {"id":42} (with or without the converter's schema envelope). */
    public static String key(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            JsonNode node = ChangeParser.key(new String(bytes, StandardCharsets.UTF_8));
            return node == null || node.size() == 0 ? null : node.elements().next().asText();
        } catch (Exception e) {
            return null; // an unreadable key names no row
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = TopicReader.create(bootstrap, "piam-reconcile-dead-letters", 500);
        }
        return consumer;
    }

    @Override
    public synchronized void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(1));
            consumer = null;
        }
    }
}
