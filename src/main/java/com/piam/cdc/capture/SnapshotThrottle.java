package com.piam.cdc.capture;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a snapshot from burying fresh changes: a snapshot reads rows faster than the loaders can write them, and
 * every streamed change behind them in Kafka would wait for the whole backlog. So while a snapshot reads, the
 * watch-capture timer ({@link #tick}, every second) looks at the consumer group's records not yet loaded and pauses
 * Debezium's incremental snapshot over the signal topic when they pass {@link #LAG_LIMIT} (about 2 s of loading here),
 * and resumes it below {@link #RESUME_BELOW}. The engine thread is never held: streaming goes on while the snapshot is
 * paused (holding the engine thread instead, the first version of this class, stalled the binlog reader behind the
 * snapshot: streamed changes arrived 150 s late after 20 minutes of a 5-million-row snapshot). A resume is also sent
 * once after each capture start, so a pause left in the signal topic by a capturer that died cannot hold a successor's
 * snapshot.
 */
public final class SnapshotThrottle extends ServiceSupport implements Processor {

    /** Exchange property (true) set by ChangeEventEncoder on a row read by a snapshot. */
    public static final String SNAPSHOT_ROW = "piam.snapshot-row";
    /** Records not yet loaded above which the snapshot pauses, and below which it resumes. */
    static final long LAG_LIMIT = 6_000;
    static final long RESUME_BELOW = 3_000;
    /** A snapshot counts as reading when one of its rows went by within this time (or it is paused). */
    static final long READING_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotThrottle.class);

    private final String bootstrap;
    private final String group;
    private final List<String> topics;
    private final String signalTopic;
    private final String key;
    private Admin admin;
    private KafkaProducer<String, String> producer;
    private volatile long lastSnapshotRowMs;
    private boolean paused;
    private boolean resumedSinceStart;
    private long pausedSinceMs;
    private long pausedMs;
    private int pauses;
    private long lastLoggedMs = System.currentTimeMillis();

    public SnapshotThrottle(String bootstrap, String group, List<String> topics, String signalTopic, String key) {
        this.bootstrap = bootstrap;
        this.group = group;
        this.topics = List.copyOf(topics);
        this.signalTopic = signalTopic;
        this.key = key;
    }

    /** On the engine thread: notes that a snapshot reads (never waits). */
    @Override
    public void process(Exchange exchange) {
        if (exchange.getProperty(SNAPSHOT_ROW, false, Boolean.class)) {
            lastSnapshotRowMs = System.currentTimeMillis();
        }
    }

    /** Called by the watch-capture timer: pause or resume the snapshot by the loaders' backlog. */
    public synchronized void tick() {
        long now = System.currentTimeMillis();
        boolean reading = now - lastSnapshotRowMs < READING_MS;
        if (!reading && !paused && resumedSinceStart) {
            return; // no snapshot: nothing to ask Kafka
        }
        long lag = lag();
        Action a = decide(paused, resumedSinceStart, reading, lag);
        if (a == Action.PAUSE) {
            if (signal("pause-snapshot")) {
                paused = true;
                pausedSinceMs = now;
                pauses++;
                LOG.debug("capture: snapshot paused: {} records not yet loaded", lag);
            }
        } else if (a == Action.RESUME) {
            if (signal("resume-snapshot")) {
                if (paused) {
                    pausedMs += now - pausedSinceMs;
                }
                paused = false;
                resumedSinceStart = true;
            }
        }
        if (pauses > 0 && now - lastLoggedMs >= 60_000) {
            long p = pausedMs + (paused ? now - pausedSinceMs : 0);
            LOG.info("capture: snapshot paced to the loaders: paused {} time(s), {} s in the last minute, while more than {} "
                    + "records were not yet loaded (now {}; streamed changes are not held)", pauses, p / 1000, LAG_LIMIT, lag);
            pauses = 0;
            pausedMs = 0;
            if (paused) {
                pausedSinceMs = now;
            }
            lastLoggedMs = now;
        }
    }

    enum Action { NONE, PAUSE, RESUME }

    /**
     * Pause a reading snapshot above the limit; resume a paused one below the lower mark; and once after start resume in
     * any case when the backlog is low (a pause a dead capturer left in the signal topic is read again by a successor).
     */
    static Action decide(boolean paused, boolean resumedSinceStart, boolean reading, long lag) {
        if (!paused && reading && lag > LAG_LIMIT) {
            return Action.PAUSE;
        }
        if ((paused || !resumedSinceStart) && lag < RESUME_BELOW) {
            return Action.RESUME;
        }
        return Action.NONE;
    }

    synchronized boolean paused() {
        return paused;
    }

    private boolean signal(String type) {
        try {
            if (producer == null) {
                producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                        ProducerConfig.CLIENT_ID_CONFIG, "piam-snapshot-throttle", ProducerConfig.MAX_BLOCK_MS_CONFIG, 3_000,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 5_000, ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000,
                        ProducerConfig.LINGER_MS_CONFIG, 0), new StringSerializer(), new StringSerializer());
            }
            producer.send(new ProducerRecord<>(signalTopic, key, "{\"id\":\"throttle-" + type + "-" + System.currentTimeMillis()
                    + "\",\"type\":\"" + type + "\",\"data\":{\"type\":\"incremental\"}}")).get(5, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            LOG.warn("capture: could not {} the snapshot through {} ({}); trying again in 2 s", type.replace("-snapshot", ""),
                    signalTopic, e.getMessage());
            return false;
        }
    }

    /** The consumer group's records not yet loaded; 0 when Kafka cannot say (never hold a snapshot on a guess). */
    private long lag() {
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
            return sum;
        } catch (Exception e) {
            return 0;
        }
    }

    @Override
    protected synchronized void doStart() {
        paused = false;
        resumedSinceStart = false;
    }

    @Override
    protected synchronized void doStop() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(2));
            producer = null;
        }
    }
}
