package com.piam.cdc.record;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.HashMap;
import java.util.Map;

/**
 * A consumer that only reads: no group, no commits, raw bytes (keys and values as written), records up
 * to the dead-letter topics' 16 MB. The verifier, reconciliation and trace read topics with it.
 */
public final class TopicReader {

    private TopicReader() {
    }

    public static KafkaConsumer<byte[], byte[]> create(KafkaConnection kafka, String clientId, int maxPollRecords) {
        Map<String, Object> conf = new HashMap<>();
        conf.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        conf.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        conf.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords);
        conf.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 * 1024 * 1024);
        conf.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        conf.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return KafkaClients.consumer(kafka, conf);
    }
}
