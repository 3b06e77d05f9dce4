package com.piam.cdc.capture;

import io.debezium.embedded.KafkaConnectUtil;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.FileOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Debezium's file offset store with a barrier in front: offsets are written only once Kafka has
 * acknowledged every change record sent before them ({@link KafkaChangeSender}). Otherwise this
 * flush fails, the stored offsets stay where they were, and Debezium tries again at its next flush;
 * a crash in between replays from the stored offsets. Debezium creates this class by name (the
 * capture route's offsetStorage option).
 */
public class CaptureOffsetStore extends FileOffsetBackingStore {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureOffsetStore.class);
    static final Duration BARRIER_TIMEOUT = Duration.ofSeconds(30);

    private FirstSnapshot firstSnapshot;

    public CaptureOffsetStore() {
        super(KafkaConnectUtil.converterForOffsetStore());
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        firstSnapshot = FirstSnapshot.from(config.originals());
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
        if (firstSnapshot != null) {
            firstSnapshot.start(data);
        }
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> engineValues, Callback<Void> callback) {
        // an offset from inside a snapshot window may count a row not yet sent as done: one row less (WindowOffsets)
        Map<ByteBuffer, ByteBuffer> safe = WindowOffsets.safe(engineValues);
        Map<ByteBuffer, ByteBuffer> values = firstSnapshot == null ? safe : firstSnapshot.withMarker(safe);
        try {
            KafkaChangeSender.awaitAllSent(BARRIER_TIMEOUT);
        } catch (Exception e) {
            if (firstSnapshot != null) {
                firstSnapshot.notWritten();
            }
            LOG.warn("capture: offsets not written, Kafka has not acknowledged everything before them ({}); will retry", e.getMessage());
            if (callback != null) {
                callback.onCompletion(e, null);
            }
            return CompletableFuture.failedFuture(e);
        }
        return super.set(values, callback);
    }
}
