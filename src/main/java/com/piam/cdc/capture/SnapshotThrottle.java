package com.piam.cdc.capture;

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
 * (checked at most once a second), so the snapshot runs at the loaders' pace and a streamed change waits seconds,
 * not minutes. Streamed changes are never held here. It stops waiting when the backlog has not shrunk for
 * {@link #STUCK_MS} (no consumer, ClickHouse away): then the snapshot goes on and its rows wait in Kafka.
 */
public final class SnapshotThrottle extends ServiceSupport implements Processor {

    /** Exchange property (true) set by ChangeEventEncoder on a row read by a snapshot. */
    public static final String SNAPSHOT_ROW = "piam.snapshot-row";
    /** Records not yet loaded above which snapshot rows wait: ~2 s of loading on 2 cores. */
    static final long LAG_LIMIT = 10_000;
    static final long STUCK_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotThrottle.class);

    private final String bootstrap;
    private final String group;
    private final List<String> topics;
    private Admin admin;
    private long lag;
    private long checkedMs;
    /** When the backlog last shrank (or was below the limit). */
    private long movingMs = System.currentTimeMillis();
    private long waitedMs;
    private long lastLoggedMs;

    public SnapshotThrottle(String bootstrap, String group, List<String> topics) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.topics = List.copyOf(topics);
    }

    @Override
    public void process(Exchange exchange) throws InterruptedException {
        if (!exchange.getProperty(SNAPSHOT_ROW, false, Boolean.class)) {
            return;
        }
        long start = System.currentTimeMillis();
        while (lag(System.currentTimeMillis()) > LAG_LIMIT && System.currentTimeMillis() - movingMs < STUCK_MS && isRunAllowed()) {
            Thread.sleep(100);
        }
        long now = System.currentTimeMillis();
        waitedMs += now - start;
        if (waitedMs >= 1_000 && now - lastLoggedMs > 60_000) {
            LOG.info("capture: snapshot paced to the loaders: waited {} s in the last minute for {} records not yet loaded to "
                    + "fall below {} (streamed changes are not held)", waitedMs / 1000, lag, LAG_LIMIT);
            lastLoggedMs = now;
            waitedMs = 0;
        }
    }

    /** The consumer group's records not yet loaded, at most a second old; 0 when Kafka cannot say. */
    synchronized long lag(long now) {
        if (now - checkedMs < 1_000) {
            return lag;
        }
        checkedMs = now;
        try {
            if (admin == null) {
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        AdminClientConfig.CLIENT_ID_CONFIG, "piam-snapshot-throttle",
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000));
            }
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(3, TimeUnit.SECONDS).values().forEach(d -> d.partitions()
                    .forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(3, TimeUnit.SECONDS);
            long sum = 0;
            for (var e : admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                sum += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()));
            }
            if (sum < lag || sum <= LAG_LIMIT) {
                movingMs = now;
            }
            lag = sum;
        } catch (Exception e) {
            lag = 0; // not known: never hold capture back on a guess
            movingMs = now;
        }
        return lag;
    }

    @Override
    protected synchronized void doStop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
