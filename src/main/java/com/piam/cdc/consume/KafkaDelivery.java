package com.piam.cdc.consume;

import com.piam.cdc.domain.Delivery;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A change that came from a Kafka record: loaded or set aside, it is settled in the consume
 * route's {@link OffsetCommitListener}, which then may commit past it. Holds the original record
 * (key, value bytes, headers) so that a row ClickHouse refuses goes to the dead-letter topic as it was read.
 */
final class KafkaDelivery implements Delivery {

    private final OffsetCommitListener commits;
    private final DeadLetterWriter deadLetters;
    private final TopicPartition partition;
    private final long offset;
    private final String key;
    private final byte[] value;
    private final Iterable<Header> headers;

    KafkaDelivery(OffsetCommitListener commits, DeadLetterWriter deadLetters, TopicPartition partition, long offset,
            String key, byte[] value, Iterable<Header> headers) {
        this.commits = commits;
        this.deadLetters = deadLetters;
        this.partition = partition;
        this.offset = offset;
        this.key = key;
        this.value = value;
        this.headers = headers;
    }

    @Override
    public void loaded() {
        commits.settled(partition, offset);
    }

    @Override
    public void setAside(String reason) throws Exception {
        setAside(reason, "load");
    }

    /** Writes the record to the dead-letter topic (throws if Kafka does not take it), then settles it. */
    void setAside(String reason, String stage) throws Exception {
        deadLetters.write(new DeadLetterWriter.Letter(partition.topic(), partition.partition(), offset, key, value, headers,
                reason, stage));
        commits.settled(partition, offset);
    }

    /** Read again from Kafka (the consumer seeks back to it), unless it was settled meanwhile. */
    @Override
    public void abandoned() {
        commits.abandoned(partition, offset);
    }

    /** No room in the load buffer: not taken, read again once the consumer resumes (consumer thread only). */
    void holdBack() {
        commits.holdBack(partition, offset);
    }

    /** The record was nothing to load (a tombstone): settled as it is. */
    void skip() {
        commits.settled(partition, offset);
    }

    @Override
    public String where() {
        return partition.topic() + "/" + partition.partition() + "@" + offset;
    }

    @Override
    public long bytes() {
        return (value == null ? 0 : value.length) + (key == null ? 0 : 2L * key.length()) + 96;
    }
}
