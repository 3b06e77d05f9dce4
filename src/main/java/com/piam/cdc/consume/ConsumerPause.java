package com.piam.cdc.consume;

import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * A consume route's Kafka consumer paused while the load buffer has no room, instead of its thread blocked:
 * the thread goes on polling (paused partitions return nothing), so the consumer stays in its group and a
 * rebalance never waits for it — a dead runtime's partitions move within seconds even while ClickHouse is away,
 * and {@code max.poll.interval.ms} can stay short. A record that found no room is not taken: the consumer seeks
 * back to it ({@link OffsetCommitListener#holdBack}) and reads it again after resuming. Everything here runs on
 * the consumer's thread (Kafka's consumer is single-threaded), but for the gauge.
 */
final class ConsumerPause {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerPause.class);

    private final String name;
    /** Whether the buffer has room again (enough to take a poll's worth); set by the route's {@link BufferRoom}. */
    private volatile BooleanSupplier room = () -> true;
    /** camel-kafka's consumer: while the route itself is suspended (FeedPause, JMX), Camel keeps it paused. */
    private volatile Object camelConsumer;
    private boolean paused;
    private long pausedAtMs;
    private long heldRecords;
    private volatile boolean pausedNow;

    ConsumerPause(String name) {
        this.name = name;
    }

    void resumeWhen(BooleanSupplier room) {
        this.room = room;
    }

    void camelConsumer(Object consumer) {
        this.camelConsumer = consumer;
    }

    /** Whether the partitions are paused for want of room (a record held back since the last resume). */
    boolean paused() {
        return paused;
    }

    /** For the gauge: 1 while paused for want of room. */
    boolean pausedNow() {
        return pausedNow;
    }

    /** No room for the record at {@code offset}: read it again from there, and fetch nothing until there is room. */
    void hold(Consumer<?, ?> consumer, TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        heldRecords++;
        Set<TopicPartition> assigned = consumer.assignment();
        consumer.pause(assigned); // also partitions assigned since the pause began
        if (!paused) {
            paused = true;
            pausedNow = true;
            pausedAtMs = System.currentTimeMillis();
            LOG.info("{}: the load buffer is full (ClickHouse slower than Kafka, or away): paused {} partition(s), "
                    + "{} waits at offset {}; the consumer keeps polling and resumes when there is room", name, assigned.size(),
                    partition, offset);
        }
    }

    /**
     * After each poll: resumes the partitions once the buffer has room, unless Camel has the route suspended
     * (then Camel resumes them itself, from the last commit). Returns true when the held records are to be
     * taken again.
     */
    boolean resumeIfRoom(Consumer<?, ?> consumer) {
        if (!paused) {
            return false;
        }
        Object camel = camelConsumer;
        if (consumer.paused().isEmpty()) {
            // Camel resumed the route (it seeks back to the last commit): nothing is paused any more
            resumed("the route resumed");
            return true;
        }
        if (camel instanceof org.apache.camel.Service s && ServiceHelper.isSuspended(s) || !room.getAsBoolean()) {
            return false;
        }
        consumer.resume(consumer.paused());
        resumed("room in the load buffer");
        return true;
    }

    private void resumed(String why) {
        LOG.info("{}: resumed after {} s ({}); {} record(s) were held back and are read again", name,
                (System.currentTimeMillis() - pausedAtMs) / 1000, why, heldRecords);
        paused = false;
        pausedNow = false;
        heldRecords = 0;
    }
}
