package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Which runtime captures, decided by Kafka (CAPTURE_LEASE=true). Every runtime is a member of one
 * consumer group subscribed to a one-partition topic; Kafka's group coordinator gives that partition to
 * exactly one live member, and that member captures. Assigned: the capture routes start (their
 * producer's first act fences any former capturer, {@link KafkaChangeSender}). Revoked or lost: they stop
 * before this returns to Kafka, so on a hand-over (a graceful stop, a rebalance) the next member is given
 * the partition only after this one has committed its last changes and offsets. A member that vanishes
 * (kill -9, a network cut, a pause) loses the partition when its session times out (10 s); whatever it
 * still sends after that cannot be committed, since the successor's producer has fenced it.
 */
public final class CaptureLease extends ServiceSupport implements ConsumerRebalanceListener {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureLease.class);
    static final int SESSION_TIMEOUT_MS = 10_000;
    /** How long a stop waits for the lease loop to leave the group (part of the longest graceful stop). */
    public static final int LEAVE_TIMEOUT_SECONDS = 40;

    private final CamelContext context;
    private final KafkaConnection kafka;
    private final String topic;
    private final String group;
    private final String runtimeName;
    private final List<String> routes;
    private volatile boolean held;
    private volatile long heldSinceMs;
    private volatile boolean running;
    private volatile boolean rejoin;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    /** Guards the admin client only: never held while routes stop or start (a stopping capture asks Kafka through it). */
    private final Object adminLock = new Object();
    private Admin admin;
    /** The watchdog asked for a capture restart; the lease thread does it (it alone starts and stops the routes). */
    private volatile String restartRequested;
    private volatile long noHolderSinceMs;
    /** This member's id in the lease group as of its last poll (the lease thread sets it). */
    private volatile String memberId = "";

    /** The lease group as Kafka describes it: who holds the lease (null: nobody) and every member. */
    public record Status(String holder, List<String> members, long noHolderSinceMs) {
    }

    /** @param routes the routes to run while this runtime holds the lease (capture-changes first) */
    public CaptureLease(CamelContext context, KafkaConnection kafka, String topic, String group, String runtimeName, List<String> routes) {
        this.context = context;
        this.kafka = kafka;
        this.topic = topic;
        this.group = group;
        this.runtimeName = runtimeName;
        this.routes = List.copyOf(routes);
    }

    /** Whether this runtime holds the capture lease now. */
    public boolean held() {
        return held;
    }

    /** The routes that run only while the lease is held here. */
    public List<String> routes() {
        return routes;
    }

    /** Since when it holds it (epoch ms; 0 when not). */
    public long heldSinceMs() {
        return held ? heldSinceMs : 0;
    }

    public String runtimeName() {
        return runtimeName;
    }

    public String group() {
        return group;
    }

    /** Asks Kafka who holds the lease and who else is in the group (for the verifier and the live view). */
    public Status describe() throws Exception {
        ConsumerGroupDescription d = describeGroup();
        String holder = null;
        List<String> members = new ArrayList<>();
        for (MemberDescription m : d.members()) {
            members.add(m.clientId());
            if (!m.assignment().topicPartitions().isEmpty()) {
                holder = m.clientId();
            }
        }
        members.sort(null);
        long now = System.currentTimeMillis();
        if (holder != null) {
            noHolderSinceMs = 0;
        } else if (noHolderSinceMs == 0) {
            noHolderSinceMs = now;
        }
        return new Status(holder, members, noHolderSinceMs);
    }

    private ConsumerGroupDescription describeGroup() throws Exception {
        Admin a;
        synchronized (adminLock) {
            if (admin == null) {
                admin = KafkaClients.admin(kafka, Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000));
            }
            a = admin;
        }
        return a.describeConsumerGroups(List.of(group)).all().get(5, TimeUnit.SECONDS).get(group);
    }

    /**
     * Asks Kafka's group coordinator, not this runtime's last news of it, whether this member holds the lease
     * now. A runtime that was paused or cut off still believes it holds the lease until its lease loop hears
     * otherwise; starting Kafka transactions in that moment would fence the runtime that captures now
     * ({@link KafkaChangeSender} asks this first). Throws when Kafka cannot be asked.
     */
    public boolean confirmedByKafka() throws Exception {
        long deadline = System.currentTimeMillis() + SESSION_TIMEOUT_MS;
        while (true) {
            String me = memberId;
            if (!held || me.isEmpty()) {
                return false;
            }
            ConsumerGroupDescription d = describeGroup();
            Optional<MemberDescription> mine = d.members().stream().filter(m -> m.consumerId().equals(me)).findFirst();
            if (mine.isEmpty()) {
                return false; // the coordinator dropped this member (its session timed out): another may hold the lease
            }
            if (d.state() == ConsumerGroupState.STABLE) {
                return !mine.get().assignment().topicPartitions().isEmpty();
            }
            // rebalancing: Kafka describes no assignments until the group is stable again
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the lease group " + group + " is still rebalancing (" + d.state() + ")");
            }
            Thread.sleep(250);
        }
    }

    @Override
    protected void doStart() {
        Properties p = new Properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, runtimeName);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, String.valueOf(SESSION_TIMEOUT_MS));
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
        // a member whose lease loop is stuck (a capture start that hangs) gives the lease up after this
        p.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "120000");
        // the holder keeps the partition when others join or leave: no needless fail-over
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumer = KafkaClients.consumer(kafka, p);
        running = true;
        thread = new Thread(this::loop, "capture-lease");
        thread.setDaemon(true);
        thread.start();
        LOG.info("capture lease: {} joins {} (topic {}); it captures while Kafka gives it the topic's partition", runtimeName, group, topic);
    }

    private void loop() {
        try {
            consumer.subscribe(List.of(topic), this);
            while (running) {
                consumer.poll(Duration.ofMillis(500)); // nothing is written there: polling keeps the membership
                memberId = consumer.groupMetadata().memberId();
                String restart = restartRequested;
                if (restart != null) {
                    restartRequested = null;
                    restart(restart);
                }
                if (rejoin) {
                    rejoin = false;
                    consumer.unsubscribe(); // revoked: capture stops; then Kafka decides again who holds it
                    consumer.subscribe(List.of(topic), this);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.error("capture lease: the lease loop failed ({}); this runtime stops capturing and leaves {}", e, group);
        } finally {
            try {
                consumer.close(Duration.ofSeconds(30)); // leaves the group: revoked first (capture stops), then reassigned
            } catch (RuntimeException e) {
                LOG.warn("capture lease: leaving {}: {}", group, e.getMessage());
            }
            release("this runtime left the lease group");
        }
    }

    @Override
    protected void doStop() throws InterruptedException {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.join(LEAVE_TIMEOUT_SECONDS * 1000L);
        }
        synchronized (adminLock) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
                admin = null;
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty() || held) {
            return;
        }
        memberId = consumer.groupMetadata().memberId(); // called inside poll, on the lease thread
        held = true;
        heldSinceMs = System.currentTimeMillis();
        LOG.info("capture lease: {} holds it; starting capture", runtimeName);
        for (String route : routes) {
            try {
                context.getRouteController().startRoute(route);
            } catch (Exception e) {
                LOG.error("capture lease: cannot start {}: {}", route, e.getMessage());
            }
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            release("the lease moves to another runtime");
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            release("the lease was lost (session timed out: another runtime may capture already)");
        }
    }

    /**
     * Stops capture (its last changes and offsets committed, if Kafka still lets this runtime) before the lease goes.
     * On the lease thread, holding no lock: the stopping capture's last commit may ask Kafka through this lease.
     */
    private void release(String why) {
        if (!held) {
            return;
        }
        LOG.info("capture lease: {} gives it up ({}); stopping capture", runtimeName, why);
        for (int i = routes.size() - 1; i >= 0; i--) {
            String route = routes.get(i);
            try {
                context.getRouteController().stopRoute(route);
            } catch (Exception e) {
                LOG.warn("capture lease: stopping {}: {}", route, e.getMessage());
            }
        }
        held = false;
    }

    /**
     * A capturer fenced by Kafka steps down: the lease loop leaves the group and joins it again, so capture
     * stops here and Kafka decides anew who holds the lease (normally the runtime that fenced this one).
     */
    public void stepDown(String why) {
        if (held && !rejoin) {
            LOG.warn("capture lease: {} steps down: {}", runtimeName, why);
            rejoin = true;
        }
    }

    /**
     * Asks for a restart of capture-changes (the watchdog's remedy); the lease thread does it within half a second
     * if, and only while, this runtime holds the lease as Kafka's coordinator sees it (a restart on a former holder
     * would take the source's binlog connection from the one capturing now). False when the lease is not held here.
     */
    boolean restartCapture(String route) {
        if (!held) {
            return false;
        }
        restartRequested = route;
        return true;
    }

    /** On the lease thread, holding no lock (see {@link #release}). */
    private void restart(String route) {
        if (!held) {
            return;
        }
        try {
            if (!confirmedByKafka()) {
                stepDown("Kafka gives the lease to another member; not restarting capture here");
                return;
            }
            context.getRouteController().stopRoute(route);
            context.getRouteController().startRoute(route);
        } catch (Exception e) {
            LOG.warn("capture lease: restarting {}: {}", route, e.getMessage());
        }
    }
}
