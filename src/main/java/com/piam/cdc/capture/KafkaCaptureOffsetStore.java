package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Debezium's offsets in a Kafka topic, written in the same transaction as the changes they follow
 * (CAPTURE_LEASE=true): {@link #set} commits the capture producer's open transaction with the offsets
 * in it ({@link KafkaChangeSender#commit}), so the topic's committed offsets never run ahead of the
 * committed changes, and a fenced former capturer cannot move them. {@link #start} reads the topic's
 * committed records (read_committed), so a runtime that takes the lease over resumes exactly where the
 * last capturer's last commit left off. Debezium creates this class by name (the capture route's
 * offsetStorage option) and passes the topic and bootstrap in its configuration.
 */
public class KafkaCaptureOffsetStore extends MemoryOffsetBackingStore {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaCaptureOffsetStore.class);
    /** Engine configuration keys (the capture route sets them). */
    static final String TOPIC = "offset.storage.topic";
    /** The store's Kafka connection comes as {@code piam.offsets.}bootstrap.servers and security properties. */
    static final String PREFIX = "piam.offsets.";

    private String topic;
    private KafkaConnection kafka;
    private FirstSnapshot firstSnapshot;

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, Object> o = config.originals();
        topic = String.valueOf(o.get(TOPIC));
        if (o.get(TOPIC) == null || o.get(PREFIX + "bootstrap.servers") == null) {
            throw new IllegalStateException("capture: " + TOPIC + " and " + PREFIX + "bootstrap.servers must be set for "
                    + getClass().getSimpleName());
        }
        kafka = KafkaConnection.fromConfig(o, PREFIX);
        firstSnapshot = FirstSnapshot.from(o);
    }

    @Override
    public synchronized void stop() {
        if (firstSnapshot != null) {
            firstSnapshot.close();
        }
        super.stop();
    }

    @Override
    public synchronized void start() {
        super.start();
        Map<ByteBuffer, ByteBuffer> read = readCommitted();
        data.putAll(read);
        LOG.info("capture: {} offset record(s) read from {} (committed only)", read.size(), topic);
        if (firstSnapshot != null) {
            firstSnapshot.start(data);
        }
    }

    private Map<ByteBuffer, ByteBuffer> readCommitted() {
        Properties p = new Properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.consumer(kafka, p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp); // the last stable offset
            long deadline = System.currentTimeMillis() + 60_000;
            while (c.position(tp, Duration.ofSeconds(30)) < end) {
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("capture: could not read " + topic + " up to offset " + end + " within 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        out.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        out.put(ByteBuffer.wrap(r.key()), ByteBuffer.wrap(r.value()));
                    }
                }
            }
        }
        return out;
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> engineValues, Callback<Void> callback) {
        // an offset from inside a snapshot window may count a row not yet sent as done: one row less (WindowOffsets)
        Map<ByteBuffer, ByteBuffer> safe = WindowOffsets.safe(engineValues);
        Map<ByteBuffer, ByteBuffer> values = firstSnapshot == null ? safe : firstSnapshot.withMarker(safe);
        Map<byte[], byte[]> records = new LinkedHashMap<>();
        values.forEach((k, v) -> records.put(bytes(k), v == null ? null : bytes(v)));
        try {
            KafkaChangeSender.transactionalSender().commit(topic, records);
        } catch (Exception e) {
            if (firstSnapshot != null) {
                firstSnapshot.notWritten();
            }
            LOG.warn("capture: offsets not committed ({}); the changes since the last commit are not visible and will be sent again",
                    e.getMessage());
            if (callback != null) {
                callback.onCompletion(e, null);
            }
            return CompletableFuture.failedFuture(e);
        }
        return super.set(values, callback);
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of(); // asked only by Connect's offsets REST API, which the embedded engine does not serve
    }
}
