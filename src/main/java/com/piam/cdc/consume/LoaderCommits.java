package com.piam.cdc.consume;

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
import org.apache.camel.support.RoutePolicySupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kafka offsets of one consume route, committed only when the loader says so, on the consumer's own
 * thread. Why not camel-kafka's async manual commit: in Camel 4.18 its commit manager also records
 * the offset of every record the route has PROCESSED and commits that after each poll, so records
 * still waiting in the batch buffer were committed before ClickHouse had them (measured: 12 rows lost
 * to a kill). With this class as the endpoint's {@code kafkaManualCommitFactory} Camel picks its
 * no-op commit manager and never commits by itself:
 * <ul>
 *   <li>the loader calls {@link KafkaManualCommit#commit()} after its insert (any thread): the
 *   offset is only noted, highest per partition;</li>
 *   <li>after every poll (also the empty ones, so at most pollTimeoutMs later) the consumer thread
 *   commits what was noted ({@link #afterConsume}), as Kafka's consumer wants: single-threaded.</li>
 * </ul>
 * The load routes stop after the consume routes and flush their last batches then: those offsets
 * are committed by {@link #commitRemaining} through the admin client once the consumers have left
 * the group, so a graceful stop replays nothing. After a crash, offsets noted but not committed are
 * replayed at the next start; the replayed rows converge in ClickHouse (same version).
 */
public class LoaderCommits extends KafkaConsumerListener implements KafkaManualCommitFactory {

    private static final Logger LOG = LoggerFactory.getLogger(LoaderCommits.class);

    /** Next offset to consume per partition, as loaded into ClickHouse and not yet committed. */
    private final Map<TopicPartition, Long> pending = new ConcurrentHashMap<>();
    private volatile boolean installed;
    /** Records not yet read, summed over the assigned partitions, as of the last poll (-1: unknown). */
    private volatile long lag = -1;

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager manager) {
        TopicPartition partition = record.partition;
        long next = record.recordOffset + 1;
        return new KafkaManualCommit() {
            @Override
            public void commit() {
                pending.merge(partition, next, Math::max);
            }

            @Override
            public String toString() {
                return partition + "@" + (next - 1);
            }
        };
    }

    /** On the consumer thread after each poll: commit what the loader has acknowledged. */
    @Override
    public boolean afterConsume(Object ignored) {
        Consumer<?, ?> consumer = getConsumer();
        if (consumer == null) {
            return true;
        }
        long total = 0;
        for (TopicPartition p : consumer.assignment()) {
            var l = consumer.currentLag(p);
            if (l.isEmpty()) {
                total = -1;
                break;
            }
            total += l.getAsLong();
        }
        lag = total;
        if (pending.isEmpty()) {
            return true;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition p : pending.keySet()) {
            Long next = pending.remove(p);
            if (next != null && consumer.assignment().contains(p)) {
                offsets.put(p, new OffsetAndMetadata(next));
            }
        }
        if (!offsets.isEmpty()) {
            consumer.commitAsync(offsets, (committed, error) -> {
                if (error != null) {
                    // the next acknowledged batch commits a higher offset; until then a restart replays (no loss)
                    LOG.warn("Kafka offset commit {} failed: {}", committed, error.toString());
                }
            });
        }
        return true;
    }

    /**
     * After the consumers have stopped: commits what the loader acknowledged since the last poll,
     * through the admin client (the group must be empty). Never moves a committed offset backwards.
     * Returns what was committed, "" if nothing was pending.
     */
    public String commitRemaining(Admin admin, String group, long timeoutMs) throws Exception {
        if (pending.isEmpty()) {
            return "";
        }
        Map<TopicPartition, Long> todo = new HashMap<>(pending);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(timeoutMs, TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        todo.forEach((p, next) -> {
            OffsetAndMetadata c = committed.get(p);
            if (c == null || c.offset() < next) {
                offsets.put(p, new OffsetAndMetadata(next));
            }
        });
        if (!offsets.isEmpty()) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        todo.forEach(pending::remove);
        return offsets.toString();
    }

    /**
     * On stop, after the consume routes and the batch writers: commits the offsets every consume
     * route's loader acknowledged after its consumer had left, so the next start does not replay them.
     */
    public static void commitRemaining(CamelContext context, String bootstrap, String group) {
        var all = context.getRegistry().findByType(LoaderCommits.class);
        if (all.stream().allMatch(c -> c.pending.isEmpty())) {
            return;
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "piam-stop", AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000))) {
            for (LoaderCommits c : all) {
                String committed = c.commitRemaining(admin, group, 5000);
                if (!committed.isEmpty()) {
                    LOG.info("Committed the offsets of the last loaded batches: {}", committed);
                }
            }
        } catch (Exception e) {
            // nothing is lost: the next start replays those rows and they converge in ClickHouse
            LOG.warn("Could not commit the last loaded offsets on stop ({}); the next start replays those rows",
                    Retry.rootMessage(e));
        }
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
                    kafka.setConsumerListener(LoaderCommits.this);
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
