package com.piam.cdc.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code make snapshot [TABLE=events|health] [WHERE="<condition>"]}: asks the capturing runtime to read a source
 * table again, e.g. after rows were deleted from a ClickHouse fact table. Debezium's incremental snapshot does it:
 * in chunks, interleaved with the changes it streams (a row changed meanwhile is sent as changed, never older),
 * resumed from the last finished chunk when capture restarts or moves to another runtime. The request goes to the
 * signal topic, so whichever runtime captures reads it; the rows re-read converge in ClickHouse (same versions or
 * newer). WHERE limits the rows (SQL on the source table). Exit 0 when the request was written, 2 when not.
 */
public final class SnapshotCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotCommand() {
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings settings = ToolSettings.load();
        String table = System.getenv().getOrDefault("TABLE", "").strip().toLowerCase();
        List<PipelineTable> tables = switch (table) {
            case "", "all" -> List.of(PipelineTable.values());
            case "events", "access_events", "cg_access_event", "fact_access_events" -> List.of(PipelineTable.ACCESS_EVENTS);
            case "health", "connector_health", "cg_connector_health", "fact_connector_health" -> List.of(PipelineTable.CONNECTOR_HEALTH);
            default -> null;
        };
        if (tables == null) {
            System.err.println("snapshot: TABLE=" + table + " is not a table of the pipeline; use TABLE=events or TABLE=health "
                    + "(or leave it out for both)");
            System.exit(2);
            return;
        }
        String where = System.getenv("WHERE");
        try {
            request(settings.cdc(), tables, where == null || where.isBlank() ? null : where.strip());
        } catch (Exception e) {
            System.err.println("snapshot: could not write the request to " + settings.cdc().signalTopic() + " at "
                    + settings.cdc().kafkaBootstrap() + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("snapshot: asked the capturing runtime to read " + tables.stream().map(t -> t.source).toList()
                + (where == null || where.isBlank() ? "" : " where " + where.strip())
                + " again (in chunks, between the changes it streams); its log shows the progress");
    }

    /** The signal Debezium's Kafka channel reads: keyed by the topic prefix, an incremental execute-snapshot. */
    static String signal(PipelineSettings.Cdc cdc, List<PipelineTable> tables, String where) {
        ObjectNode data = JSON.createObjectNode();
        ArrayNode collections = data.putArray("data-collections");
        tables.forEach(t -> collections.add(cdc.mysqlDatabase() + "." + t.source));
        data.put("type", "incremental");
        if (where != null) {
            ArrayNode conditions = data.putArray("additional-conditions");
            tables.forEach(t -> conditions.addObject().put("data-collection", cdc.mysqlDatabase() + "." + t.source).put("filter", where));
        }
        ObjectNode signal = JSON.createObjectNode();
        signal.put("type", "execute-snapshot");
        signal.set("data", data);
        return signal.toString();
    }

    /** Writes the request to the signal topic; returns once Kafka has it. */
    public static void request(PipelineSettings.Cdc cdc, List<PipelineTable> tables, String where) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cdc.kafkaBootstrap(),
                ProducerConfig.CLIENT_ID_CONFIG, "piam-snapshot",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(cdc.signalTopic(), cdc.topicPrefix(), signal(cdc, tables, where)))
                    .get(20, TimeUnit.SECONDS);
        }
    }
}
