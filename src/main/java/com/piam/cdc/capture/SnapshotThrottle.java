package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a snapshot from burying fresh changes: a snapshot reads rows faster than the loaders can write them, and
 * every streamed change behind them in Kafka would wait for the whole backlog. Before a row read by a snapshot goes
 * to Kafka, this step waits while the consumer group has more than {@link #LAG_LIMIT} records not yet loaded
 * (checked every {@link #CHECK_MS} ms while snapshot rows come), so the snapshot runs at the loaders' pace and a streamed change waits seconds,
 * not minutes. Streamed changes are never held here. When the loaders load nothing for {@link #STUCK_MS} (no consumer,
 * ClickHouse away) the snapshot goes on and its rows wait in Kafka ({@link SnapshotPace}).
 */
public final class SnapshotThrottle extends ServiceSupport implements Processor {

    /** Exchange property (true) set by ChangeEventEncoder on a row read by a snapshot. */
    public static final String SNAPSHOT_ROW = "piam.snapshot-row";
    /**
     * Records not yet loaded above which snapshot rows wait: 2–3 s of loading on 2 cores, enough to keep the loaders
     * busy, little enough for a streamed change behind them (measured with make snapshot-bench, docs/benchmark.md).
     */
    static final long LAG_LIMIT = 5_000;
    /** The loaders committed nothing for this long: they are not there, do not hold capture for them. */
    static final long STUCK_MS = 30_000;
    /**
     * How often Kafka is asked (three admin requests, only while snapshot rows come). Each look lets through what the
     * loaders committed since the one before: with a look a second, the snapshot waited up to a second per round for
     * rows already loaded (make snapshot-bench: 250 ms with 250 ms consumer polls, 2,122 -> 4,508 rows/s).
     */
    static final long CHECK_MS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotThrottle.class);

    private final KafkaConnection kafka;
    private final String group;
    private final List<String> topics;
    private final SnapshotPace pace = new SnapshotPace(LAG_LIMIT, STUCK_MS, System.currentTimeMillis());
    private Admin admin;
    private long checkedMs;
    private long waitedMs;
    private long lastLoggedMs;

    public SnapshotThrottle(KafkaConnection kafka, String group, List<String> topics) {
        this.kafka = kafka;
        this.group = group;
        this.topics = List.copyOf(topics);
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        if (!exchange.getProperty(SNAPSHOT_ROW, false, Boolean.class)) {
            return;
        }
        long start = System.currentTimeMillis();
        while (hold(System.currentTimeMillis()) && isRunAllowed()) {
            Thread.sleep(100);
        }
        passed();
        long now = System.currentTimeMillis();
        waitedMs += now - start;
        if (waitedMs >= 1_000 && now - lastLoggedMs > 60_000) {
            LOG.info("capture: snapshot paced to the loaders: waited {} s in the last minute for {} records not yet loaded to "
                    + "fall below {} (streamed changes are not held)", waitedMs / 1000, pace.backlog(), LAG_LIMIT);
            lastLoggedMs = now;
            waitedMs = 0;
        }
    }

    /** Whether snapshot rows wait now, from what Kafka said at most {@link #CHECK_MS} ago. */
    synchronized boolean hold(long now) {
        if (now - checkedMs >= CHECK_MS) {
            checkedMs = now;
            try {
                observe(now);
            } catch (Exception e) {
                pace.unknown(now); // not known: never hold capture back on a guess
            }
        }
        return pace.hold(now);
    }

    private synchronized void passed() {
        pace.passed();
    }

    /** The consumer group's records not yet loaded, and loaded so far (its committed offsets' sum). */
    private void observe(long now) throws Exception {
        if (admin == null) {
            admin = KafkaClients.admin(kafka, Map.of(AdminClientConfig.CLIENT_ID_CONFIG, "piam-snapshot-throttle",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000));
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(3, TimeUnit.SECONDS).values().forEach(d -> d.partitions()
                .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(3, TimeUnit.SECONDS);
        long backlog = 0;
        long loaded = 0;
        for (var e : admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long done = c == null ? 0 : c.offset();
            backlog += Math.max(0, e.getValue().offset() - done);
            loaded += done;
        }
        pace.observed(now, backlog, loaded);
    }

    @Override
    protected synchronized void doStop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
