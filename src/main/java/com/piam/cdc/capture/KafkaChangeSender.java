package com.piam.cdc.capture;

import com.piam.cdc.record.RecordFormat;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Service;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last step of capture-changes: each encoded change goes to Kafka WITHOUT waiting for the
 * broker's ack inside Debezium's callback. Camel's Kafka endpoint would wait per record (the
 * Debezium consumer calls the route synchronously): about 900 changes/s measured on the local
 * stack. Sent asynchronously, the producer batches, and delivery is still proven before capture
 * moves on: {@link CaptureOffsetStore} waits in {@link #awaitAllSent} for every record sent so far
 * to be acknowledged before it writes Debezium's offsets. A crash therefore replays, never skips.
 *
 * <p>acks=all, idempotent, retried until delivered (in order, without duplicates). If Kafka refuses
 * a record for good, or stays away until the producer's buffer is full, the sender stops sending and
 * reports {@link #failure()}: offsets are never written past that point, and the watchdog restarts
 * capture, which resumes from the last written offsets.
 */
public class KafkaChangeSender implements Processor, Service {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeSender.class);
    private static final Set<KafkaChangeSender> LIVE = ConcurrentHashMap.newKeySet();

    private final String bootstrap;
    private final Object lock = new Object();
    private KafkaProducer<String, byte[]> producer;
    private long pending;
    private final AtomicReference<String> failure = new AtomicReference<>();

    public KafkaChangeSender(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    public void start() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "piam-capture");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(64 * 1024));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(8L * 1024 * 1024));
        // a broker that is away is waited for (retries in order); only a full buffer or a refusal fails
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()); // UTF-8 JSON from the encoder
        synchronized (lock) {
            producer = new KafkaProducer<>(p);
            pending = 0;
        }
        failure.set(null);
        LIVE.add(this);
    }

    @Override
    public void stop() {
        LIVE.remove(this);
        KafkaProducer<String, byte[]> p;
        synchronized (lock) {
            p = producer;
            producer = null;
            lock.notifyAll();
        }
        if (p != null) {
            p.close(Duration.ofSeconds(10)); // unsent records are not lost: their offsets were never written
        }
    }

    @Override
    public void process(Exchange exchange) {
        if (failure.get() != null) {
            return; // holding back: offsets stay before the failed record; the watchdog restarts capture
        }
        Message in = exchange.getMessage();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(in.getHeader(KafkaConstants.OVERRIDE_TOPIC, String.class),
                in.getHeader(KafkaConstants.KEY, String.class), in.getBody(byte[].class));
        header(record, RecordFormat.VERSION_HEADER, in.getHeader(RecordFormat.VERSION_HEADER, String.class));
        header(record, RecordFormat.SOURCE_TS_HEADER, in.getHeader(RecordFormat.SOURCE_TS_HEADER, String.class));
        KafkaProducer<String, byte[]> p;
        synchronized (lock) {
            p = producer;
            if (p == null) {
                throw new IllegalStateException("capture: the Kafka sender is stopped");
            }
            pending++;
        }
        try {
            p.send(record, (metadata, error) -> {
                if (error != null) {
                    fail("Kafka did not accept a change for " + record.topic() + " key " + record.key() + ": " + error);
                }
                synchronized (lock) {
                    pending--;
                    lock.notifyAll();
                }
            });
        } catch (RuntimeException e) { // buffer full for max.block.ms, or a record Kafka can never take
            synchronized (lock) {
                pending--;
                lock.notifyAll();
            }
            fail("cannot hand a change for " + record.topic() + " to Kafka at " + bootstrap + ": " + e);
        }
    }

    private static void header(ProducerRecord<String, byte[]> record, String name, String value) {
        if (value != null) {
            record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    private void fail(String problem) {
        if (failure.compareAndSet(null, problem)) {
            LOG.error("capture: {}; holding capture back (no offsets past this change) until it restarts", problem);
        }
    }

    /** Empty while every change sent so far was accepted; otherwise why capture is held back. */
    public String failure() {
        String f = failure.get();
        return f == null ? "" : f;
    }

    /** Blocks until Kafka has acknowledged everything sent so far; fails if something was refused. */
    private void awaitSent(long deadlineMs) throws TimeoutException {
        synchronized (lock) {
            while (pending > 0 && producer != null) {
                long left = deadlineMs - System.currentTimeMillis();
                if (left <= 0) {
                    throw new TimeoutException(pending + " change record(s) still unacknowledged by Kafka at " + bootstrap);
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TimeoutException("interrupted while waiting for Kafka's acknowledgements");
                }
            }
            if (pending > 0) {
                throw new TimeoutException(pending + " change record(s) not acknowledged before the sender stopped");
            }
        }
        String f = failure.get();
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    /** The offset barrier: every live sender's records are acknowledged (or this throws). */
    static void awaitAllSent(Duration timeout) throws TimeoutException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        for (KafkaChangeSender s : LIVE) {
            s.awaitSent(deadline);
        }
    }
}
