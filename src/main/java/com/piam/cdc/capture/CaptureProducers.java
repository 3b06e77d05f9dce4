package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * Makes capture's Kafka producer: acks=all, idempotent, retried until delivered, and with a transactional
 * id (CAPTURE_LEASE=true) initialized for transactions, which fences every earlier producer of that id.
 * Before that, the lease check is asked: a runtime that merely believes it holds the capture lease (it was
 * paused; its lease loop has not heard yet) must not fence the one that captures now.
 */
final class CaptureProducers {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureProducers.class);

    /** Kafka's coordinator gives the capture lease to another member: no transactions from here. */
    static final class LeaseNotHeldException extends IllegalStateException {
        LeaseNotHeldException(String message) {
            super(message);
        }
    }

    private final KafkaConnection kafka;
    private final String transactionalId;
    private volatile Callable<Boolean> leaseCheck;

    /** @param transactionalId null: a plain idempotent producer */
    CaptureProducers(KafkaConnection kafka, String transactionalId) {
        this.kafka = kafka;
        this.transactionalId = transactionalId;
    }

    /** Asked before every transactional producer is made: true only if Kafka confirms this runtime holds the lease. */
    void guardedBy(Callable<Boolean> check) {
        this.leaseCheck = check;
    }

    /** A new producer; for transactions confirmed and initialized (throws when either fails). */
    KafkaProducer<byte[], byte[]> create() {
        Properties p = new Properties();
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
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()); // UTF-8 key
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()); // UTF-8 JSON from the encoder
        if (transactionalId == null) {
            return KafkaClients.producer(kafka, p);
        }
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        // an open transaction of a capturer that vanished is aborted by the broker after this long
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        confirmLease();
        KafkaProducer<byte[], byte[]> created = KafkaClients.producer(kafka, p);
        try {
            created.initTransactions(); // fences every earlier producer of this id, aborting what it left open
        } catch (RuntimeException e) {
            created.close(Duration.ZERO);
            throw new IllegalStateException("capture: cannot start Kafka transactions as " + transactionalId + " at " + kafka.bootstrap()
                    + ": " + e.getMessage(), e);
        }
        LOG.info("capture: sending in Kafka transactions as {} (any earlier capturer of this id is fenced now)", transactionalId);
        return created;
    }

    private void confirmLease() {
        Callable<Boolean> check = leaseCheck;
        if (check == null) {
            return;
        }
        boolean held;
        try {
            held = check.call();
        } catch (Exception e) {
            throw new IllegalStateException("capture: cannot confirm with Kafka at " + kafka.bootstrap() + " that this runtime holds the capture lease ("
                    + e.getMessage() + "); not starting Kafka transactions as " + transactionalId, e);
        }
        if (!held) {
            throw new LeaseNotHeldException("capture: Kafka gives the capture lease to another runtime; not starting Kafka transactions as "
                    + transactionalId + " (that would fence the runtime capturing now); this one stops");
        }
    }
}
