package com.piam.cdc.tools;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.reconcile.DeadLetterKeys;
import com.piam.cdc.record.ChangeParser;
import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.record.TopicReader;
import com.piam.cdc.record.Versions;
import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import javax.sql.DataSource;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code make trace ID=<event_id>} (or {@code ID=<id> TABLE=health} for a connector health row): one row's
 * way through the pipeline. The source row (and whether it still exists); each change of it on the CDC
 * topic (partition, offset, operation, binlog position) and on the dead-letter topic (with the reason);
 * the rows ClickHouse holds for it (version, cdc_op, is_deleted, ingest time) and whether the converged
 * view shows it. Exit 0 when the row is where it should be (in ClickHouse's view as in the source, or
 * set aside with a reason), 1 otherwise.
 */
public final class TraceCommand {

    /** How many records of the CDC topic are searched at most, newest minutes first. */
    private static final int SCAN_LIMIT = 2_000_000;

    private TraceCommand() {
    }

    record Table(String source, String key, String topic, String fact, String view) {
    }

    public static void main(String[] args) throws Exception {
        String id = System.getenv("ID");
        if (id == null || id.isBlank()) {
            System.err.println("usage: make trace ID=<event_id>   or   make trace ID=<id> TABLE=health");
            System.exit(2);
        }
        PipelineSettings settings = ToolSettings.load();
        boolean health = "health".equalsIgnoreCase(System.getenv().getOrDefault("TABLE", ""));
        if (health && !id.strip().matches("\\d+")) {
            System.err.println("trace: a connector health row's key is its id, a whole number (cg_connector_health.id)");
            System.exit(2);
        }
        try (HikariDataSource mysql = ToolSettings.pool("trace-mysql", settings.mysqlJdbcUrl(), settings.mysqlMonitor());
             HikariDataSource clickHouse = ToolSettings.pool("trace-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouseReader())) {
            System.exit(run(settings, mysql, clickHouse, health, id.strip(), System.out));
        }
    }

    static Table table(PipelineSettings s, boolean health) {
        PipelineTable t = health ? PipelineTable.CONNECTOR_HEALTH : PipelineTable.ACCESS_EVENTS;
        String db = s.clickHouseDatabase();
        return new Table(t.source, t.sourceKey, s.cdc().topic(t), db + "." + t.fact, db + "." + t.view);
    }

    public static int run(PipelineSettings settings, DataSource mysql, DataSource clickHouse, boolean health, String id, PrintStream out)
            throws Exception {
        Table t = table(settings, health);
        out.printf("Trace of %s %s%n%n", health ? "connector health row id" : "access event", id);

        out.println("[Source] cloudgate." + t.source());
        Long sourceTimeMs = null;
        try (Connection c = mysql.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', " + (health ? "check_time" : "event_time") + ") DIV 1000, "
                        + (health ? "tenant_id, connector_id" : "tenant_id, site_id") + " FROM " + t.source() + " WHERE " + t.key() + " = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    sourceTimeMs = rs.getLong(1);
                    out.printf("  present: %s %s, %s %s, %s %s%n", health ? "check_time" : "event_time", Instant.ofEpochMilli(sourceTimeMs),
                            "tenant", rs.getString(2), health ? "connector" : "site", rs.getString(3));
                } else {
                    out.println("  not there (never written, or deleted since)");
                }
            }
        }

        out.printf("%n[Kafka] %s%n", t.topic());
        List<ConsumerRecord<byte[], byte[]>> changes = records(settings.cdc().kafka(), t.topic(), id, sourceTimeMs);
        String filePrefix = binlogPrefix(settings);
        for (ConsumerRecord<byte[], byte[]> r : changes) {
            String version = header(r, RecordFormat.VERSION_HEADER);
            out.printf("  partition %d offset %d at %s: %s%s%n", r.partition(), r.offset(), Instant.ofEpochMilli(r.timestamp()), op(r),
                    version.isEmpty() ? "" : ", binlog " + Versions.describeBinlog(Long.parseLong(version), filePrefix));
        }
        if (changes.isEmpty()) {
            out.println("  no change of this key found" + (sourceTimeMs == null ? "" : " (searched from a minute before its source time)"));
        }
        String dlq = RecordFormat.deadLetterTopic(t.topic());
        out.printf("%n[Dead-letter topic] %s%n", dlq);
        List<ConsumerRecord<byte[], byte[]>> setAside = records(settings.cdc().kafka(), dlq, id, null);
        for (ConsumerRecord<byte[], byte[]> r : setAside) {
            out.printf("  partition %d offset %d at %s: set aside by %s: %s (from %s)%n", r.partition(), r.offset(),
                    Instant.ofEpochMilli(r.timestamp()), header(r, RecordFormat.DLQ_STAGE_HEADER), header(r, RecordFormat.DLQ_REASON_HEADER),
                    header(r, RecordFormat.DLQ_SOURCE_HEADER));
        }
        if (setAside.isEmpty()) {
            out.println("  not set aside");
        }

        out.printf("%n[ClickHouse] %s%n", t.fact());
        boolean shown;
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement()) {
            String db = settings.clickHouseDatabase();
            int rows = 0;
            try (ResultSet rs = st.executeQuery(health ? ClickHouseQueries.traceHealthRows(db, Long.parseLong(id))
                    : ClickHouseQueries.traceAccessEventRows(db, id))) {
                while (rs.next()) {
                    rows++;
                    out.printf("  version %s  cdc_op %s  is_deleted %s  ingested %s%n", rs.getString(1), rs.getString(2), rs.getString(3),
                            Instant.ofEpochMilli(rs.getLong(4)));
                }
            }
            if (rows == 0) {
                out.println("  no row");
            }
            try (ResultSet rs = st.executeQuery(health ? ClickHouseQueries.traceHealthShown(db, Long.parseLong(id))
                    : ClickHouseQueries.traceAccessEventShown(db, id))) {
                shown = rs.next() && rs.getLong(1) > 0;
            }
        }
        out.printf("  %s: %s%n", t.view(), shown ? "shown" : "not shown");
        boolean inSource = sourceTimeMs != null;
        boolean fine = inSource == shown || (inSource && !setAside.isEmpty());
        out.printf("%n%s%n", fine ? (inSource && !shown ? "Set aside with a reason (see above)."
                : shown ? "In ClickHouse as in the source." : "Neither in the source nor in ClickHouse's view.")
                : inSource ? "MISSING: in the source, not in ClickHouse's view, and not set aside." : "EXTRA: in ClickHouse's view, not in the source.");
        return fine ? 0 : 1;
    }

    /** Records of {@code topic} whose key names {@code id}; from a minute before {@code sinceMs} when known, else from the start. */
    static List<ConsumerRecord<byte[], byte[]>> records(KafkaConnection kafka, String topic, String id, Long sinceMs) {
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = TopicReader.create(kafka, "piam-trace", 2000)) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return found;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, Long> ends = c.endOffsets(partitions, Duration.ofSeconds(10));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            if (sinceMs != null && sinceMs > 60_000) { // a source time before 1970 (a bad row): from the start
                Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(p -> at.put(p, sinceMs - 60_000));
                Map<TopicPartition, OffsetAndTimestamp> offsets = c.offsetsForTimes(at, Duration.ofSeconds(10));
                offsets.forEach((p, o) -> c.seek(p, o == null ? ends.get(p) : o.offset()));
            }
            long scanned = 0;
            long until = System.currentTimeMillis() + 120_000;
            while (scanned < SCAN_LIMIT && System.currentTimeMillis() < until
                    && partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    scanned++;
                    if (id.equals(DeadLetterKeys.key(r.key()))) {
                        found.add(r);
                    }
                }
            }
        }
        return found;
    }

    private static String op(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return "tombstone (delete)";
        }
        try {
            JsonNode row = ChangeParser.row(r.value());
            if (row == null) {
                return "tombstone (delete)";
            }
            String op = row.path(RecordFormat.OP).asText("?");
            return "op " + op + ("true".equals(row.path(RecordFormat.DELETED).asText()) ? " (deleted)" : "");
        } catch (Exception e) {
            return "unreadable record (" + e.getMessage() + ")";
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The binlog files' base name (mariadb-bin on the local stack, mysql-bin in Compose): as the verifier shows it. */
    private static String binlogPrefix(PipelineSettings settings) {
        return settings.mysqlJdbcUrl().startsWith("jdbc:mysql:") ? "mysql-bin" : "mariadb-bin";
    }

}
