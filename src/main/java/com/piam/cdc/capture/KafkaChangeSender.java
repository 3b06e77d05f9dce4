package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Service;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
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
 *
 * <p>With a transactional id (CAPTURE_LEASE=true) the records go out in Kafka transactions: one is
 * opened by the first change after a commit and committed by {@link KafkaCaptureOffsetStore} together
 * with Debezium's offsets for those changes. The id is the same on every runtime, so the producer a new
 * capturer starts fences the previous one: a former capturer that was cut off or paused cannot commit
 * anything once another has started ({@link #fenced()}), and its open transaction is aborted: consumers
 * reading committed records never see it.
 */
public class KafkaChangeSender implements Processor, Service {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeSender.class);
    private static final Set<KafkaChangeSender> LIVE = ConcurrentHashMap.newKeySet();

    /**
     * Header naming who captured a record: "runtime/epoch ms its producer started" (one value per tenure of
     * the capture lease), so a topic shows which capturer wrote what across fail-overs.
     */
    public static final String CAPTURED_BY_HEADER = "piam.captured-by";

    private final KafkaConnection kafka;
    private final String transactionalId;
    private final String runtimeName;
    private volatile byte[] capturedBy;
    /** Guards the producer reference and the count of unacknowledged records (taken by the send callbacks too). */
    private final Object lock = new Object();
    /** Keeps a send out of a commit in progress; never taken by the producer's callbacks (they would deadlock a commit). */
    private final Object txLock = new Object();
    private KafkaProducer<byte[], byte[]> producer;
    private long pending;
    private boolean inTransaction;
    private boolean open;
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile boolean fenced;
    private final CaptureProducers producers;

    public KafkaChangeSender(KafkaConnection kafka) {
        this(kafka, null, null);
    }

    /** @param transactionalId null: plain idempotent producer (one capturing runtime, offsets in files) */
    public KafkaChangeSender(KafkaConnection kafka, String transactionalId, String runtimeName) {
        this.kafka = kafka;
        this.transactionalId = transactionalId;
        this.runtimeName = runtimeName;
        this.producers = new CaptureProducers(kafka, transactionalId);
    }

    /**
     * Transactions start only after {@code check} confirms this runtime holds the capture lease
     * ({@link CaptureProducers#guardedBy}); not confirmed, this sender counts as fenced (the watchdog steps down).
     */
    public void guardedBy(Callable<Boolean> check) {
        producers.guardedBy(check);
    }

    /**
     * Ready to send. The plain producer starts here; the transactional one at the first change or commit:
     * Camel starts a route's services also while the route waits for the capture lease, and a producer of
     * this transactional id started on a runtime that does not capture would fence the one that does.
     */
    @Override
    public void start() {
        failure.set(null);
        fenced = false;
        synchronized (lock) {
            open = true;
            pending = 0;
        }
        if (transactionalId == null) {
            producer();
        }
        LIVE.add(this);
    }

    /** The producer, made (and for transactions initialized, fencing any earlier one) on first use; failure() says why it could not be. */
    private KafkaProducer<byte[], byte[]> producer() {
        synchronized (lock) {
            if (producer != null || !open) {
                return producer;
            }
        }
        KafkaProducer<byte[], byte[]> created;
        try {
            created = producers.create();
        } catch (RuntimeException e) {
            if (e instanceof CaptureProducers.LeaseNotHeldException) {
                fenced = true; // the watchdog steps down instead of restarting capture
            }
            fail(e.getMessage());
            throw e;
        }
        if (runtimeName != null) {
            capturedBy = (runtimeName + "/" + System.currentTimeMillis()).getBytes(StandardCharsets.UTF_8);
        }
        synchronized (lock) {
            if (producer == null && open) {
                producer = created;
                inTransaction = false;
                return producer;
            }
        }
        created.close(Duration.ZERO);
        synchronized (lock) {
            return producer;
        }
    }

    @Override
    public void stop() {
        LIVE.remove(this);
        KafkaProducer<byte[], byte[]> p;
        synchronized (lock) {
            open = false;
            p = producer;
            producer = null; // an open transaction is aborted when the producer closes (or by the broker)
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
        // made by ChangeEventEncoder straight from Debezium's record: topic, key, value and headers
        @SuppressWarnings("unchecked")
        ProducerRecord<byte[], byte[]> record = exchange.getMessage().getBody(ProducerRecord.class);
        // txLock keeps a send out of a commit in progress (the record goes into the next transaction)
        synchronized (txLock) {
            KafkaProducer<byte[], byte[]> p;
            try {
                p = producer();
            } catch (RuntimeException e) {
                return; // failure() says why; offsets stay before this change
            }
            synchronized (lock) {
                if (p == null) {
                    throw new IllegalStateException("capture: the Kafka sender is stopped");
                }
                pending++;
            }
            byte[] by = capturedBy;
            if (by != null) {
                record.headers().add(CAPTURED_BY_HEADER, by);
            }
            try {
                if (transactionalId != null && !inTransaction) {
                    p.beginTransaction();
                    inTransaction = true;
                }
                p.send(record, (metadata, error) -> {
                    if (error != null) {
                        noteFencing(error);
                        fail("Kafka did not accept a change for " + record.topic() + " key "
                                + (record.key() == null ? "null" : new String(record.key(), StandardCharsets.UTF_8)) + ": " + error);
                    }
                    synchronized (lock) {
                        pending--;
                        lock.notifyAll();
                    }
                });
            } catch (RuntimeException e) { // buffer full for max.block.ms, a record Kafka can never take, or fenced
                synchronized (lock) {
                    pending--;
                    lock.notifyAll();
                }
                noteFencing(e);
                fail("cannot hand a change for " + record.topic() + " to Kafka at " + kafka.bootstrap() + ": " + e);
            }
        }
    }

    /**
     * Commits the open transaction with {@code offsets} (Debezium's, for the changes in it) sent to
     * {@code offsetsTopic} inside it: both become visible together or not at all. Throws when the
     * commit fails; fenced by another capturer, {@link #fenced()} says so from then on.
     */
    void commit(String offsetsTopic, Map<byte[], byte[]> offsets) {
        synchronized (txLock) {
            KafkaProducer<byte[], byte[]> p = producer();
            if (p == null) {
                throw new IllegalStateException("capture: the Kafka sender is stopped");
            }
            String f = failure.get();
            if (f != null) {
                throw new IllegalStateException(f);
            }
            try {
                if (!inTransaction) {
                    p.beginTransaction();
                    inTransaction = true;
                }
                offsets.forEach((k, v) -> p.send(new ProducerRecord<>(offsetsTopic, 0, k, v)));
                p.commitTransaction(); // waits for every record of the transaction to be acknowledged
                inTransaction = false;
            } catch (RuntimeException e) {
                if (noteFencing(e)) {
                    fail("fenced: another runtime has started capturing (" + e.getMessage() + "); this one stops");
                } else {
                    fail("cannot commit the captured changes to Kafka at " + kafka.bootstrap() + ": " + e);
                }
                throw e;
            }
        }
    }

    private boolean noteFencing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                fenced = true;
                return true;
            }
        }
        return false;
    }

    /** True once Kafka has refused this sender because another capturer started (CAPTURE_LEASE=true). */
    public boolean fenced() {
        return fenced;
    }

    /** Whether records go out in transactions committed with the offsets (CAPTURE_LEASE=true). */
    public boolean transactional() {
        return transactionalId != null;
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
                    throw new TimeoutException(pending + " change record(s) still unacknowledged by Kafka at " + kafka.bootstrap());
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

    /** The live sender of this runtime that commits offsets with its transaction, if any. */
    static KafkaChangeSender transactionalSender() {
        return LIVE.stream().filter(KafkaChangeSender::transactional).findFirst()
                .orElseThrow(() -> new IllegalStateException("capture: no transactional Kafka sender is running"));
    }

    /** The offset barrier: every live sender's records are acknowledged (or this throws). */
    static void awaitAllSent(Duration timeout) throws TimeoutException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        for (KafkaChangeSender s : LIVE) {
            s.awaitSent(deadline);
        }
    }
}
