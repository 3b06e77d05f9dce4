package com.piam.cdc.reconcile;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.record.ChangeParser;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.TopicReader;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
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
 * key is here was set aside, not lost. Reads the topic once from the start (or from the oldest record the
 * bound keeps), then only what is new. What it keeps is bounded ({@link Bound}): the runtime's verifier keeps
 * the keys set aside within its reconciliation lookback (a row set aside before that has its source time before
 * it too) and at most so many per topic, newest first; the tools, which compare any range once, keep all.
 */
public final class DeadLetterKeys implements AutoCloseable {

    /** Keys kept per topic: set aside within {@code maxAgeMs}, at most {@code maxKeys} (the newest). */
    public record Bound(long maxAgeMs, int maxKeys) {

        /** Every key on the topic (a tool's one comparison). */
        public static final Bound ALL = new Bound(Long.MAX_VALUE, Integer.MAX_VALUE);

        /** The verifier's: keys set aside in its lookback plus an hour (late rows), at most 20,000 per topic. */
        public static Bound forLookback(int lookbackMinutes) {
            return new Bound((lookbackMinutes + 60) * 60_000L, 20_000);
        }

        @Override
        public String toString() {
            return this == ALL || maxKeys == Integer.MAX_VALUE ? "all"
                    : "at most " + String.format("%,d", maxKeys) + " per table, set aside in the last " + maxAgeMs / 60_000 + " minutes";
        }
    }

    private final KafkaConnection kafka;
    private final Bound bound;
    private final Map<String, KeptKeys> byTopic = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;

    /** Every key on the topic ({@link Bound#ALL}). */
    public DeadLetterKeys(KafkaConnection kafka) {
        this(kafka, Bound.ALL);
    }

    public DeadLetterKeys(KafkaConnection kafka, Bound bound) {
        this.kafka = kafka;
        this.bound = bound;
    }

    /** The dead-letter topic of a table's change topic. */
    public static String topic(PipelineSettings.Cdc cdc, PipelineTable t) {
        return RecordFormat.deadLetterTopic(cdc.topic(t));
    }

    /** Key (the first key column's value as text) -> reason, of the records on {@code dlqTopic} the bound keeps. */
    public synchronized Map<String, String> keys(String dlqTopic, Duration timeout) {
        KeptKeys kept = byTopic.computeIfAbsent(dlqTopic, t -> new KeptKeys(bound));
        KafkaConsumer<byte[], byte[]> c = consumer();
        List<PartitionInfo> infos = c.partitionsFor(dlqTopic, timeout);
        if (infos == null || infos.isEmpty()) {
            return kept.view();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(dlqTopic, p.partition())));
        Map<TopicPartition, Long> ends = c.endOffsets(partitions, timeout);
        long now = System.currentTimeMillis();
        firstPositions(c, partitions, now, timeout);
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
                    kept.add(key, reason == null ? "" : new String(reason.value(), StandardCharsets.UTF_8), r.timestamp());
                }
            }
        }
        c.unsubscribe();
        kept.evict(now);
        return kept.view();
    }

    /** Keys kept now, all topics together, and what bounds them: for the verifier's facts. */
    public synchronized String describe() {
        long kept = byTopic.values().stream().mapToLong(KeptKeys::size).sum();
        long dropped = byTopic.values().stream().mapToLong(KeptKeys::droppedYoung).sum();
        return kept + " kept (" + bound + ")" + (dropped == 0 ? ""
                : "; " + dropped + " dropped by the size bound while within the lookback: rows set aside before them may read as missing");
    }

    /** Where a partition not read before starts: its first record set aside within the bound's age (all: offset 0). */
    private void firstPositions(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions, long now, Duration timeout) {
        List<TopicPartition> unread = partitions.stream().filter(p -> !positions.containsKey(p)).toList();
        if (unread.isEmpty()) {
            return;
        }
        if (bound.maxAgeMs() == Long.MAX_VALUE) {
            unread.forEach(p -> positions.put(p, 0L));
            return;
        }
        Map<TopicPartition, Long> at = new HashMap<>();
        unread.forEach(p -> at.put(p, now - bound.maxAgeMs()));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(at, timeout);
        Map<TopicPartition, Long> ends = c.endOffsets(unread, timeout);
        for (TopicPartition p : unread) {
            OffsetAndTimestamp o = found.get(p);
            positions.put(p, o == null ? ends.get(p) : o.offset()); // null: every record is older
        }
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
            consumer = TopicReader.create(kafka, "piam-reconcile-dead-letters", 500);
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
