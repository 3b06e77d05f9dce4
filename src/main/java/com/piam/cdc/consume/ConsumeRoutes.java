package com.piam.cdc.consume;

import com.piam.cdc.kafka.KafkaClients;
import com.piam.cdc.PipelineMetrics;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.load.LoadBudget;
import com.piam.cdc.load.RowsSetAside;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.support.RoutePolicySupport;

import java.util.function.BooleanSupplier;

/**
 * Routes consume-access-events and consume-connector-health: Kafka → the spec's mapping → the
 * load routes' buffers (the same aggregator and loader as direct mode). Each record becomes a
 * change the loader settles (loaded, or set aside on {@code <topic>.dlq}); the route's
 * {@link OffsetCommitListener} commits a partition only up to its first unsettled record. A record
 * that cannot be read or mapped is set aside here ({@link RecordIntake}) and the flow goes on.
 */
public class ConsumeRoutes extends RouteBuilder {

    /** Bean name of a consume route's commit listener: {@code offsetCommits-<routeId>}. */
    public static final String COMMITS_BEAN_PREFIX = "offsetCommits-";
    /** The longest a poll waits for records; what was loaded meanwhile is committed after it. */
    static final int POLL_TIMEOUT_MS = 250;

    private final PipelineSettings.Cdc cdc;
    private final int bufferSize;
    private final PipelineMetrics metrics;
    private final DeadLetterWriter deadLetters;
    private final RowsSetAside setAside;
    private final LoadBudget budget;
    private final BooleanSupplier stopping;
    private final long maxBackoffMs;
    private final String database;
    private final String runtimeName;

    public ConsumeRoutes(PipelineSettings settings, PipelineMetrics metrics, DeadLetterWriter deadLetters,
            RowsSetAside setAside, LoadBudget budget, BooleanSupplier stopping) {
        this.budget = budget;
        this.cdc = settings.cdc();
        this.bufferSize = settings.maxBufferedRows();
        this.metrics = metrics;
        this.deadLetters = deadLetters;
        this.setAside = setAside;
        this.stopping = stopping;
        this.maxBackoffMs = settings.clickHouseMaxBackoffSeconds() * 1000L;
        this.database = settings.clickHouseDatabase();
        this.runtimeName = settings.runtimeName();
    }

    @Override
    public void configure() {
        consume(PipelineTable.ACCESS_EVENTS, 15, ChangeMapping::accessEvent, ChangeMapping::accessEventDeleted);
        consume(PipelineTable.CONNECTOR_HEALTH, 16, ChangeMapping::connectorHealth, ChangeMapping::connectorHealthDeleted);
    }

    private void consume(PipelineTable t, int order, RecordIntake.Mapper mapper, RecordIntake.KeyDeleteMapper keyDelete) {
        String routeId = t.consumeRoute();
        String topic = cdc.topic(t);
        String buffer = t.buffer();
        String table = database + "." + t.fact;
        SourceColumns columns = new SourceColumns(t);
        getContext().getRegistry().bind("sourceColumns-" + columns.table(), columns);
        OffsetCommitListener commits = new OffsetCommitListener(routeId);
        if (metrics != null) {
            metrics.gauge("piam.kafka.consumer.lag", "Records of the topic the consume route has not read yet", "topic", topic,
                    commits::lag);
            metrics.gauge("piam.kafka.consumer.paused", "1 while the consume route's partitions are paused: the load buffer is full",
                    "topic", topic, commits::pausedForRoomGauge);
        }
        String bufferUri = buffer + "?size=" + bufferSize + "&blockWhenFull=true";
        getContext().getRegistry().bind("recordHeaders", RecordHeaders.NONE);
        String commitsBean = COMMITS_BEAN_PREFIX + routeId;
        getContext().getRegistry().bind(commitsBean, commits);
        getContext().addLifecycleStrategy(commits.installer(routeId));
        RecordIntake intake = new RecordIntake(table, columns, mapper, keyDelete, commits, deadLetters, setAside, stopping, maxBackoffMs);
        KafkaEndpoint kafka = getContext().getEndpoint("kafka:" + topic + "?brokers=" + cdc.kafkaBootstrap() + "&groupId=" + cdc.consumerGroup()
                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true"
                + "&kafkaManualCommitFactory=#" + commitsBean
                // the group's members by runtime (the verifier lists which partitions each holds)
                + "&clientId=" + runtimeName + "/" + routeId
                // a poll that finds nothing returns within 250 ms, and the loaded prefix is committed after each poll
                // (OffsetCommitListener): with 1 s a snapshot paced by the commits (SnapshotThrottle) waited up to a
                // second per round for a commit of rows already loaded (make snapshot-bench: 2,122 -> 4,508 rows/s)
                + "&maxPollRecords=500&pollTimeoutMs=" + POLL_TIMEOUT_MS
                // committed records only: a capturer's transaction that was aborted (it was fenced) is never read
                + "&isolationLevel=read_committed"
                // a poll holds at most this many bytes (Kafka's default is 50 MB: 64 KB rows would not fit the heap)
                + "&fetchMaxBytes=" + (4 * 1024 * 1024) + "&maxPartitionFetchBytes=" + (2 * 1024 * 1024)
                // values stay UTF-8 bytes: parsed as they are (no String in between), set aside unchanged
                + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                // the record's headers are read from kafka.HEADERS, not copied into Camel headers one by one
                + "&headerFilterStrategy=#recordHeaders"
                // a crashed runtime's partitions go to its successor after 10 s (Kafka's default: 45 s)
                + "&sessionTimeoutMs=10000&heartbeatIntervalMs=3000"
                // the thread never waits long between polls (a full buffer pauses the partitions: BufferRoom), so a
                // rebalance waits at most this long for a member that stopped polling (Kafka's default: 5 min)
                + "&maxPollIntervalMs=30000"
                // both consume routes share the group: when one joins, the other keeps its partitions
                // (an eager rebalance would rewind it to the last commit and load buffered rows twice)
                + "&partitionAssignor=org.apache.kafka.clients.consumer.CooperativeStickyAssignor", KafkaEndpoint.class);
        KafkaClients.secure(kafka.getConfiguration(), cdc.kafka()); // the KAFKA_* security, never in the URI
        from(kafka)
                .routeId(routeId)
                .startupOrder(order)
                .routePolicy(new RoutePolicySupport() {
                    @Override
                    public void onStart(Route route) {
                        if (!commits.installed()) {
                            throw new IllegalStateException("route " + routeId + ": Kafka offsets would be committed by Camel, "
                                    + "not after the ClickHouse insert (commit listener not installed)");
                        }
                    }
                })
                .process(intake)
                // MAX_BUFFERED_ROWS and MAX_BUFFERED_MB: no room → the record is held back and the partitions pause
                .process(new BufferRoom(bufferUri, budget, commits))
                .to(bufferUri);
    }
}
