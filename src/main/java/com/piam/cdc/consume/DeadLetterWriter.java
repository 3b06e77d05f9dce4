package com.piam.cdc.consume;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import com.piam.cdc.record.RecordFormat;
import org.apache.camel.Service;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes set-aside records to {@code <topic>.dlq}: the original key, value and headers unchanged,
 * plus why ({@value RecordFormat#DLQ_REASON_HEADER}), from where ({@value RecordFormat#DLQ_SOURCE_HEADER})
 * and by which stage ({@value RecordFormat#DLQ_STAGE_HEADER}). {@link #write} returns only once Kafka
 * has the record (acks=all); otherwise it throws and the caller keeps the record (it is not settled,
 * so its offset is not committed) and retries.
 */
public class DeadLetterWriter implements Service {

    /** Largest dead-letter record: a 1 MB change plus its reason fits (the dlq topics take as much). */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private final KafkaConnection kafka;
    private volatile KafkaProducer<String, byte[]> producer;
    private final AtomicReference<String> lastFailure = new AtomicReference<>("");

    public DeadLetterWriter(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /** One record to set aside. {@code headers} are the original record's. */
    public record Letter(String topic, int partition, long offset, String key, byte[] value, Iterable<Header> headers,
            String reason, String stage) {

        String source() {
            return topic + "/" + partition + "/" + offset;
        }
    }

    @Override
    public synchronized void start() {
        if (producer != null) {
            return;
        }
        Properties p = new Properties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "piam-dead-letters");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_RECORD_BYTES));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(MAX_RECORD_BYTES * 2L));
        // a write that fails is retried by the caller, which keeps the record meanwhile
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producer = KafkaClients.producer(kafka, p);
    }

    @Override
    public synchronized void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }

    /** Writes the letter to its topic's dead-letter topic and waits for Kafka's acknowledgement. */
    public void write(Letter letter) throws Exception {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            throw new IllegalStateException("the dead-letter writer is stopped");
        }
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(RecordFormat.deadLetterTopic(letter.topic()), letter.key(),
                letter.value());
        if (letter.headers() != null) {
            for (Header h : letter.headers()) {
                if (!h.key().startsWith("piam_dlq_")) {
                    r.headers().add(h.key(), h.value());
                }
            }
        }
        r.headers().add(RecordFormat.DLQ_REASON_HEADER, letter.reason().getBytes(StandardCharsets.UTF_8));
        r.headers().add(RecordFormat.DLQ_SOURCE_HEADER, letter.source().getBytes(StandardCharsets.UTF_8));
        r.headers().add(RecordFormat.DLQ_STAGE_HEADER, letter.stage().getBytes(StandardCharsets.UTF_8));
        try {
            p.send(r).get(40, TimeUnit.SECONDS);
            lastFailure.set("");
        } catch (Exception e) {
            lastFailure.set("cannot write " + letter.source() + " to " + r.topic() + ": " + com.piam.cdc.Retry.rootMessage(e));
            throw e;
        }
    }

    /** Why the last write failed; empty once one succeeded. */
    public String lastFailure() {
        return lastFailure.get();
    }
}
