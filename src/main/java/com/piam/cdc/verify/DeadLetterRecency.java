package com.piam.cdc.verify;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.reconcile.DeadLetterKeys;
import com.piam.cdc.record.InjectedRows;
import com.piam.cdc.record.TopicReader;
import com.piam.cdc.record.RecordFormat;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the dead-letter topics say about the recent past: how many records were set aside on a
 * topic since a moment (by record timestamp, so it survives restarts and counts every runtime),
 * the newest one's reason and origin, and how many of them a tool injected on purpose ({@link InjectedRows}).
 * Reads at most the last {@link #READ_AT_MOST} records of each partition.
 */
final class DeadLetterRecency implements AutoCloseable {

    /**
     * Records read per partition at most to tell injected rows from others (the newest ones). Each check reads them whole
     * (Kafka fetches values too, up to 16 MB each): 100 keeps a storm of large rows from costing the heap every check,
     * and a chaos run injects one row.
     */
    static final int READ_AT_MOST = 100;

    /**
     * Set aside on one dead-letter topic since the moment asked for; {@code injected} of the {@code read} newest ones
     * were injected (exact when read == count), {@code newestKey} the newest record's row key.
     */
    record Recent(long count, String newestReason, String newestSource, long newestMs, long read, long injected, String newestKey) {

        Recent(long count, String newestReason, String newestSource, long newestMs) {
            this(count, newestReason, newestSource, newestMs, 0, 0, "");
        }
    }

    private final KafkaConnection kafka;
    private KafkaConsumer<byte[], byte[]> consumer;

    DeadLetterRecency(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    Recent since(Admin admin, String dlqTopic, long sinceMs, int timeoutSeconds) throws Exception {
        List<TopicPartition> partitions = new ArrayList<>();
        admin.describeTopics(List.of(dlqTopic)).allTopicNames().get(timeoutSeconds, TimeUnit.SECONDS).get(dlqTopic)
                .partitions().forEach(p -> partitions.add(new TopicPartition(dlqTopic, p.partition())));
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        Map<TopicPartition, OffsetSpec> froms = new HashMap<>();
        partitions.forEach(p -> {
            ends.put(p, OffsetSpec.latest());
            froms.put(p, OffsetSpec.forTimestamp(sinceMs));
        });
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end = admin.listOffsets(ends).all()
                .get(timeoutSeconds, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> from = admin.listOffsets(froms).all()
                .get(timeoutSeconds, TimeUnit.SECONDS);
        long count = 0;
        List<TopicPartition> recent = new ArrayList<>();
        for (TopicPartition p : partitions) {
            long e = end.get(p).offset();
            long f = from.get(p).offset(); // -1: no record at or after sinceMs
            if (f >= 0 && e > f) {
                count += e - f;
                recent.add(p);
            }
        }
        if (count == 0) {
            return new Recent(0, "", "", 0);
        }
        KafkaConsumer<byte[], byte[]> c = consumer();
        c.assign(recent);
        long toRead = 0;
        for (TopicPartition p : recent) {
            long first = Math.max(from.get(p).offset(), end.get(p).offset() - READ_AT_MOST);
            c.seek(p, first);
            toRead += end.get(p).offset() - first;
        }
        ConsumerRecord<byte[], byte[]> newest = null;
        long until = System.currentTimeMillis() + timeoutSeconds * 1000L;
        long read = 0;
        long injected = 0;
        while (read < toRead && System.currentTimeMillis() < until) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                read++;
                if (InjectedRows.isInjected(DeadLetterKeys.key(r.key()))) {
                    injected++;
                }
                if (newest == null || r.timestamp() > newest.timestamp()) {
                    newest = r;
                }
            }
        }
        c.unsubscribe();
        if (newest == null) {
            return new Recent(count, "unknown (the newest record could not be read)", dlqTopic, 0);
        }
        String newestKey = DeadLetterKeys.key(newest.key());
        return new Recent(count, header(newest, RecordFormat.DLQ_REASON_HEADER), header(newest, RecordFormat.DLQ_SOURCE_HEADER),
                newest.timestamp(), read, injected, newestKey == null ? "" : newestKey);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = TopicReader.create(kafka, "piam-verify-dead-letters", 10);
        }
        return consumer;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(1));
            consumer = null;
        }
    }
}
