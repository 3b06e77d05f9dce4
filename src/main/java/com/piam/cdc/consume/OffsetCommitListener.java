package com.piam.cdc.consume;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import com.piam.cdc.Retry;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka consumer listener of one consume route: it alone commits the route's offsets, and per
 * partition never past a record that is not settled, that is loaded into ClickHouse or set aside
 * on the dead-letter topic ({@link #settled}). Batches may finish in any order and a record may be
 * held back (a failing insert, a dead-letter write Kafka refuses): the committed offset is always
 * the first unsettled record of the partition, so a restart replays from there and skips nothing.
 *
 * <p>How: as this class is the endpoint's {@code kafkaManualCommitFactory}, Camel picks its no-op
 * commit manager (it never commits by itself) and asks this class for a commit handle per record,
 * which is when the record is noted as received. After every poll (also the empty ones) the
 * consumer thread commits the settled prefix of each assigned partition ({@link #afterConsume}), as
 * Kafka's consumer wants: single-threaded. At stop, {@link #commitRemaining} commits what was settled
 * after the consumer had left, through the admin client.
 *
 * <p>A record may be read twice: camel-kafka seeks a resumed consumer back to the last commit, and this
 * class seeks back to records whose batch failed unexpectedly ({@link #abandoned}). A copy read again while
 * the first is still held here is dropped ({@link #REDELIVERED}); an abandoned record's next copy is taken.
 */
public class OffsetCommitListener extends KafkaConsumerListener implements KafkaManualCommitFactory {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitListener.class);

    private final Map<TopicPartition, PartitionProgress> partitions = new ConcurrentHashMap<>();
    private volatile boolean installed;
    /** Records not yet read, summed over the assigned partitions, as of the last poll (-1: unknown). */
    private volatile long lag = -1;
    /** Partitions the consumer holds, as of the last poll (-1: not polled yet). */
    private volatile int assignedPartitions = -1;
    /** Since when the consumer holds at least one partition (0: none, or not polled yet). */
    private volatile long consumingSinceMs;
    /** Records read again while their first copy is still held here (only the consumer thread counts). */
    private long redelivered;
    private long redeliveredLogged;

    /**
     * Exchange property (true) on a record read again while this runtime still holds its first copy:
     * the consume route drops it.
     */
    public static final String REDELIVERED = "piam.kafka.redelivered";

    /**
     * Exchange property (true) on a record at or after one held back for want of buffer room, still in the poll
     * that brought it: the consume route drops it, the consumer reads it again after resuming.
     */
    public static final String HELD_BACK = "piam.kafka.held-back";

    private final ConsumerPause pause;

    public OffsetCommitListener() {
        this("consumer");
    }

    public OffsetCommitListener(String name) {
        this.pause = new ConsumerPause(name);
    }

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager manager) {
        TopicPartition partition = record.partition;
        long offset = record.recordOffset;
        PartitionProgress progress = partitions.get(partition);
        if (progress != null && progress.heldBack(offset)) {
            // the consumer has sought back to a record before it (no room in the buffer): dropped, read again later
            if (exchange != null && exchange.exchange != null) {
                exchange.exchange.setProperty(HELD_BACK, true);
            }
            return new KafkaManualCommit() {
                @Override
                public void commit() {
                    // not taken: its next read's handle settles it
                }
            };
        }
        if (progress != null && progress.receivedBefore(offset)) {
            // read again, not new: camel-kafka seeks back to the last commit when a paused consumer resumes
            // (FeedPause), and afterConsume seeks back to abandoned records, while this runtime still holds the
            // first copy (buffered, or loaded and not yet committed), which settles the offset; the copy is
            // dropped (RecordIntake) instead of loaded twice
            redelivered++;
            if (exchange != null && exchange.exchange != null) {
                exchange.exchange.setProperty(REDELIVERED, true);
            }
            return new KafkaManualCommit() {
                @Override
                public void commit() {
                    // the first copy's handle settles this offset
                }

                @Override
                public String toString() {
                    return partition + "@" + offset + " (read again)";
                }
            };
        }
        received(partition, offset);
        return new KafkaManualCommit() {
            @Override
            public void commit() {
                settled(partition, offset);
            }

            @Override
            public String toString() {
                return partition + "@" + offset;
            }
        };
    }

    void received(TopicPartition partition, long offset) {
        partitions.computeIfAbsent(partition, p -> new PartitionProgress()).received(offset, System.currentTimeMillis());
    }

    /**
     * The copy held here of the record at {@code offset} was lost (its batch failed unexpectedly): it is not
     * committed past, and after the next poll the consumer seeks back to read it again ({@link #afterConsume}).
     */
    public void abandoned(TopicPartition partition, long offset) {
        PartitionProgress p = partitions.get(partition);
        if (p != null) {
            p.abandon(offset);
        }
    }

    /**
     * On the consumer thread: no room in the load buffer for the record at {@code offset}, which was received. It is
     * not taken (nothing after it in the partition is, in this poll): the consumer seeks back to it and pauses its
     * partitions until there is room ({@link ConsumerPause}).
     */
    void holdBack(TopicPartition partition, long offset) {
        PartitionProgress p = partitions.get(partition);
        if (p != null) {
            p.holdBack(offset);
        }
        Consumer<?, ?> consumer = getConsumer();
        if (consumer != null) {
            pause.hold(consumer, partition, offset);
        }
    }

    /** Whether the partitions are paused for want of room (then a record does not wait for room, it is held back). */
    boolean pausedForRoom() {
        return pause.paused();
    }

    /** The condition to resume on (the buffer has room again). */
    void resumeWhen(java.util.function.BooleanSupplier room) {
        pause.resumeWhen(room);
    }

    /** 1 while the consumer is paused for want of buffer room: the piam_kafka_consumer_paused gauge. */
    public int pausedForRoomGauge() {
        return pause.pausedNow() ? 1 : 0;
    }

    /** The record at {@code offset} is loaded or set aside: its offset may be committed once all before it are. */
    public void settled(TopicPartition partition, long offset) {
        PartitionProgress p = partitions.get(partition);
        if (p != null) {
            p.settled(offset);
        }
    }

    /** On the consumer thread after each poll: commit the settled prefix of every assigned partition. */
    @Override
    public boolean afterConsume(Object ignored) {
        Consumer<?, ?> consumer = getConsumer();
        if (consumer == null) {
            return true;
        }
        Set<TopicPartition> assigned = consumer.assignment();
        assigned(assigned.size(), System.currentTimeMillis());
        long total = 0;
        for (TopicPartition p : assigned) {
            var l = consumer.currentLag(p);
            if (l.isEmpty()) {
                total = -1;
                break;
            }
            total += l.getAsLong();
        }
        lag = total;
        if (redelivered > redeliveredLogged) {
            LOG.info("{} record(s) read again (the consumer resumed or sought back) were already held here: not loaded twice",
                    redelivered - redeliveredLogged);
            redeliveredLogged = redelivered;
        }
        // a partition that moved to another consumer: its records are re-read there from the last commit
        partitions.keySet().removeIf(p -> !assigned.contains(p));
        if (pause.resumeIfRoom(consumer)) {
            partitions.values().forEach(PartitionProgress::takeAgain);
        }
        // afterConsume runs after a poll, before its records are processed: a position that did not move
        // over a poll was fully processed (transaction markers behind the last record are committed past)
        partitions.forEach((p, progress) -> {
            long rewind = progress.takeRewind();
            if (rewind >= 0) {
                // the records of this poll are still processed; the next poll starts here
                LOG.warn("Reading {} again from offset {}: {} record(s) there were lost with a batch that failed "
                        + "(the others read again are dropped, their first copies are held)", p, rewind, progress.abandonedCount());
                consumer.seek(p, rewind);
            }
            progress.position(consumer.position(p));
        });
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((p, progress) -> {
            long safe = progress.safe();
            if (safe >= 0 && progress.commitNeeded(safe)) {
                offsets.put(p, new OffsetAndMetadata(safe));
            }
        });
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    // the next poll commits again; until then a restart replays (no loss)
                    LOG.warn("Kafka offset commit {} failed: {}", committed, error.toString());
                } else {
                    committed.forEach((p, o) -> {
                        PartitionProgress progress = partitions.get(p);
                        if (progress != null) {
                            progress.committed(o.offset());
                        }
                    });
                }
            });
        }
        return true;
    }

    /**
     * After the consumers have stopped: commits the settled prefix of each partition through the
     * admin client (the group must be empty). Never moves a committed offset backwards. Returns what
     * was committed, "" if nothing.
     */
    public String commitRemaining(Admin admin, String group, long timeoutMs) throws Exception {
        Map<TopicPartition, Long> safe = new HashMap<>();
        partitions.forEach((p, progress) -> {
            long s = progress.safe();
            if (s >= 0 && progress.commitNeeded(s)) {
                safe.put(p, s);
            }
        });
        if (safe.isEmpty()) {
            return "";
        }
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        safe.forEach((p, next) -> {
            OffsetAndMetadata c = committed.get(p);
            if (c == null || c.offset() < next) {
                offsets.put(p, new OffsetAndMetadata(next));
            }
        });
        if (!offsets.isEmpty()) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            offsets.forEach((p, o) -> partitions.get(p).committed(o.offset()));
        }
        return offsets.toString();
    }

    /**
     * On stop, after the consume routes and the batch writers: commits what every consume route
     * settled after its consumer had left, so the next start replays nothing that is safe.
     */
    public static void commitRemaining(CamelContext context, KafkaConnection kafka, String group) {
        var all = context.getRegistry().findByType(OffsetCommitListener.class);
        try (Admin admin = KafkaClients.admin(kafka, Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "piam-stop", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            for (OffsetCommitListener c : all) {
                String committed = c.commitRemaining(admin, group, 5000);
                if (!committed.isEmpty()) {
                    LOG.info("Committed the offsets of the last settled records: {}", committed);
                }
                for (String held : c.heldBack(0)) {
                    LOG.warn("Not committed past {}: the next start reads it again", held);
                }
            }
        } catch (Exception e) {
            // nothing is lost: the next start replays those rows and they converge in ClickHouse
            LOG.warn("Could not commit the last settled offsets on stop ({}); the next start replays those rows",
                    Retry.rootMessage(e));
        }
    }

    /**
     * Partitions whose first unsettled record was received more than {@code olderThanMs} ago, e.g.
     * "cg.cloudgate.cg_access_event-0 held at offset 1234 for 75 s (3 records not settled)".
     */
    public List<String> heldBack(long olderThanMs) {
        long now = System.currentTimeMillis();
        List<String> held = new ArrayList<>();
        partitions.forEach((p, progress) -> {
            long since = progress.oldestOpenSinceMs();
            if (since > 0 && now - since >= olderThanMs) {
                held.add(p + " held at offset " + progress.safe() + " for " + (now - since) / 1000 + " s ("
                        + progress.openCount() + " records not yet loaded or set aside)");
            }
        });
        held.sort(null);
        return held;
    }

    /** Partitions this runtime's consumer holds (0: other members of the group have them all; -1: not polled yet). */
    public int assignedPartitions() {
        return assignedPartitions;
    }

    /**
     * Since when this runtime's consumer holds partitions (epoch ms; 0 while it holds none): a runtime given a
     * partition in a fail-over has had nothing to load before, so its loader's stale clock starts here.
     */
    public long consumingSinceMs() {
        return consumingSinceMs;
    }

    /** After a poll: how many partitions the consumer holds now. */
    void assigned(int partitions, long nowMs) {
        if (partitions == 0) {
            consumingSinceMs = 0;
        } else if (assignedPartitions <= 0) {
            consumingSinceMs = nowMs;
        }
        assignedPartitions = partitions;
    }

    /** Records the consume route has not read yet (-1 until known): the piam_kafka_consumer_lag gauge. */
    public long lag() {
        return lag;
    }

    /** Never pause or seek: failed records are handled in the route (dead-letter topic). */
    @Override
    public boolean afterProcess(ProcessingResult result) {
        return true;
    }

    /**
     * Installs this listener on the Kafka consumer of route {@code routeId}: Camel announces each
     * route service (the consumer too) to lifecycle strategies before starting it. Start-up fails if
     * the consumer was already polling.
     */
    public LifecycleStrategySupport installer(String routeId) {
        return new LifecycleStrategySupport() {
            @Override
            public void onServiceAdd(CamelContext context, Service service, Route route) {
                if (route != null && routeId.equals(route.getRouteId()) && service instanceof KafkaConsumer kafka) {
                    if (kafka.isStarted()) {
                        throw new IllegalStateException("route " + routeId + ": Kafka consumer started before its commit listener");
                    }
                    kafka.setConsumerListener(OffsetCommitListener.this);
                    pause.camelConsumer(kafka);
                    installed = true;
                }
            }
        };
    }

    /** Whether the listener reached its consumer (checked when the route has started). */
    public boolean installed() {
        return installed;
    }
}
