package com.piam.cdc.verify;

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
 * and the newest one's reason and origin. Reads only the last record of each partition.
 */
final class DeadLetterRecency implements AutoCloseable {

    /** Set aside on one dead-letter topic since the moment asked for. */
    record Recent(long count, String newestReason, String newestSource, long newestMs) {
    }

    private final String bootstrap;
    private KafkaConsumer<byte[], byte[]> consumer;

    DeadLetterRecency(String bootstrap) {
        this.bootstrap = bootstrap;
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
        recent.forEach(p -> c.seek(p, end.get(p).offset() - 1));
        ConsumerRecord<byte[], byte[]> newest = null;
        long until = System.currentTimeMillis() + timeoutSeconds * 1000L;
        int read = 0;
        while (read < recent.size() && System.currentTimeMillis() < until) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                read++;
                if (newest == null || r.timestamp() > newest.timestamp()) {
                    newest = r;
                }
            }
        }
        c.unsubscribe();
        if (newest == null) {
            return new Recent(count, "unknown (the newest record could not be read)", dlqTopic, 0);
        }
        return new Recent(count, header(newest, RecordFormat.DLQ_REASON_HEADER), header(newest, RecordFormat.DLQ_SOURCE_HEADER),
                newest.timestamp());
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            consumer = TopicReader.create(bootstrap, "piam-verify-dead-letters", 10);
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
