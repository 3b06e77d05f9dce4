package com.piam.cdc.consume;

import com.fasterxml.jackson.databind.JsonNode;
import com.piam.cdc.PipelineMetrics;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.load.LoadBatch;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes consume-access-events and consume-connector-health: Kafka → the spec's mapping → the
 * load routes' buffers (the same aggregator and loader as direct mode). Offsets are committed
 * (LoaderCommits) only after the ClickHouse insert that holds the records. A record that cannot be parsed
 * or mapped goes to {@code <topic>.dlq} with the reason in a header, and the flow goes on.
 */
public class ConsumeRoutes extends RouteBuilder {

    public static final String DLQ_REASON_HEADER = "piam_dlq_reason";
    public static final String DLQ_SOURCE_HEADER = "piam_dlq_source";

    private static final Logger LOG = LoggerFactory.getLogger(ConsumeRoutes.class);

    private final PipelineSettings.Cdc cdc;
    private final int bufferSize;

    private final PipelineMetrics metrics;

    public ConsumeRoutes(PipelineSettings.Cdc cdc, int bufferSize, PipelineMetrics metrics) {
        this.cdc = cdc;
        this.bufferSize = bufferSize;
        this.metrics = metrics;
    }

    @FunctionalInterface
    interface Mapper {
        Object map(JsonNode row, String version, String sourceTs) throws BadRecordException;
    }

    @Override
    public void configure() {
        consume("consume-access-events", 15, cdc.accessEventTopic(), "seda:access-events", ChangeRecords::accessEvent);
        consume("consume-connector-health", 16, cdc.connectorHealthTopic(), "seda:connector-health", ChangeRecords::connectorHealth);
    }

    private void consume(String routeId, int order, String topic, String buffer, Mapper mapper) {
        // offsets are committed only as the loader acknowledges inserts (see LoaderCommits)
        LoaderCommits commits = new LoaderCommits();
        if (metrics != null) {
            metrics.gauge("piam.kafka.consumer.lag", "topic", topic, commits::lag);
        }
        String commitsBean = "loaderCommits-" + routeId;
        getContext().getRegistry().bind(commitsBean, commits);
        getContext().addLifecycleStrategy(commits.installer(routeId));
        from("kafka:" + topic + "?brokers=" + cdc.kafkaBootstrap() + "&groupId=" + cdc.consumerGroup()
                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true"
                + "&kafkaManualCommitFactory=#" + commitsBean
                + "&maxPollRecords=1000&pollTimeoutMs=1000"
                // values stay UTF-8 bytes: parsed as they are (no String in between), set aside unchanged
                + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                // a crashed runtime's partitions go to its successor after 10 s (Kafka's default: 45 s)
                + "&sessionTimeoutMs=10000&heartbeatIntervalMs=3000"
                // both consume routes share the group: when one joins, the other keeps its partitions
                // (an eager rebalance would rewind it to the last commit and load buffered rows twice)
                + "&partitionAssignor=org.apache.kafka.clients.consumer.CooperativeStickyAssignor")
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
                .doTry()
                    .process(exchange -> toChange(exchange, mapper))
                .doCatch(BadRecordException.class)
                    .process(ConsumeRoutes::toDeadLetter)
                    .to("kafka:" + topic + ".dlq?brokers=" + cdc.kafkaBootstrap()
                            + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer")
                    .setBody(constant(LoadBatch.OFFSET_ONLY))
                .end()
                .to(buffer + "?size=" + bufferSize + "&blockWhenFull=true");
    }

    private static void toChange(Exchange exchange, Mapper mapper) throws BadRecordException {
        Message in = exchange.getMessage();
        JsonNode row = ChangeRecords.parse(in.getBody(byte[].class));
        in.setBody(row == null ? LoadBatch.OFFSET_ONLY
                : mapper.map(row, in.getHeader(ChangeRecords.VERSION_HEADER, String.class),
                        in.getHeader(ChangeRecords.SOURCE_TS_HEADER, String.class)));
    }

    /** Keeps the original record (key, value) and says why and where it came from. */
    private static void toDeadLetter(Exchange exchange) {
        Message in = exchange.getMessage();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String source = in.getHeader(KafkaConstants.TOPIC) + "/" + in.getHeader(KafkaConstants.PARTITION) + "/"
                + in.getHeader(KafkaConstants.OFFSET);
        String reason = cause == null ? "unknown" : cause.getMessage();
        in.setHeader(DLQ_REASON_HEADER, reason);
        in.setHeader(DLQ_SOURCE_HEADER, source);
        LOG.warn("Set aside record {}: {} -> {}.dlq", source, reason, in.getHeader(KafkaConstants.TOPIC));
    }
}
