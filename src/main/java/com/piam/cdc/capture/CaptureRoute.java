package com.piam.cdc.capture;

import com.piam.cdc.config.MysqlTls;
import com.piam.cdc.config.PipelineSettings.SourceFlavor;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;

import java.io.File;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Route capture-changes: embedded Debezium (camel-debezium-mysql) reads the cloudgate binlog and
 * every row change becomes one Kafka record keyed by the row's primary key, sent asynchronously
 * (KafkaChangeSender). Offsets and schema history are files under $PIAM_DATA_DIR/capture, written
 * only once Kafka holds every change before them, so a restart resumes where it stopped. With
 * CAPTURE_LEASE=true they are Kafka topics instead (offsets committed in the changes' transaction,
 * {@link KafkaCaptureOffsetStore}), and the routes start only while this runtime holds the capture lease
 * ({@link CaptureLease}).
 */
public class CaptureRoute extends RouteBuilder {

    public static final String ROUTE_ID = "capture-changes";
    public static final String WATCH_ROUTE_ID = "watch-capture";
    /** Rows per incremental snapshot chunk (Debezium's default 1,024 stalls streaming, see debeziumUri). */
    static final int SNAPSHOT_CHUNK_ROWS = 32;

    private final PipelineSettings.Cdc cdc;
    private final SourceFlavor flavor;
    private final ChangeEventEncoder encoder;
    private final KafkaChangeSender sender;
    private final CaptureWatchdog watchdog;
    private final SnapshotProgress progress;
    private final SnapshotThrottle throttle;

    public CaptureRoute(PipelineSettings.Cdc cdc, SourceFlavor flavor, CaptureLiveness liveness, KafkaChangeSender sender,
            CaptureWatchdog watchdog, SnapshotProgress progress) {
        this.cdc = cdc;
        this.flavor = flavor;
        this.encoder = new ChangeEventEncoder(liveness, cdc.topicPrefix());
        this.sender = sender;
        this.watchdog = watchdog;
        this.progress = progress;
        this.throttle = new SnapshotThrottle(cdc.kafka(), cdc.consumerGroup(),
                Arrays.stream(PipelineTable.values()).map(cdc::topic).toList());
    }

    @Override
    public void configure() {
        DebeziumSummary.warnIfNotOverridden();
        try {
            getContext().addService(throttle, true, true); // its admin client is closed with the context
        } catch (Exception e) {
            throw new IllegalStateException("capture: " + e.getMessage(), e);
        }
        boolean always = !cdc.captureLease(); // with the lease, CaptureLease starts and stops them
        from(endpoint(getContext()))
                .routeId(ROUTE_ID)
                .startupOrder(30)
                .autoStartup(always)
                .process(encoder)
                .process(throttle) // rows read by a snapshot wait while the loaders are behind
                .process(sender);

        from("timer:watch-capture?period=2000")
                .routeId(WATCH_ROUTE_ID)
                .startupOrder(31)
                .autoStartup(always)
                .bean(watchdog, "check")
                .bean(progress, "report");
    }

    private String signalGroup() {
        return cdc.consumerGroup() + "-capture-signals";
    }

    /**
     * The capture's endpoint, from our debezium-mysql component (no exception thrown per captured row,
     * {@link CaptureEndpoint}): {@link #debeziumUri()}'s options, and the secrets (the capture's password, the Kafka
     * clients' security, the MySQL trust store's password) the component sets on its configuration. Never in the URI:
     * a URI cannot carry every password (Camel ends a RAW value at ")&" or "}&" and resolves "{{…}}" inside it), and
     * routes and JMX show URIs.
     */
    CaptureEndpoint endpoint(CamelContext context) {
        if (!(context.hasComponent(CaptureComponent.SCHEME) instanceof CaptureComponent)) {
            context.removeComponent(CaptureComponent.SCHEME);
            context.addComponent(CaptureComponent.SCHEME, new CaptureComponent());
        }
        Map<String, Object> secrets = new HashMap<>();
        for (Map.Entry<String, Boolean> client : kafkaClients().entrySet()) {
            cdc.kafka().asConfig(client.getKey()).forEach((k, v) -> {
                if (client.getValue() || !k.equals(client.getKey() + "bootstrap.servers")) {
                    secrets.put(k, v);
                }
            });
        }
        if (cdc.mysqlTls().enabled() && !cdc.mysqlTls().caFile().isEmpty()) {
            MysqlTls.Truststore t = cdc.mysqlTls().truststore();
            secrets.put("database.ssl.truststore", t.path().toString());
            secrets.put("database.ssl.truststore.password", t.password());
        }
        ((CaptureComponent) context.getComponent(CaptureComponent.SCHEME)).secrets(cdc.capture().password(), secrets);
        return context.getEndpoint(debeziumUri(), CaptureEndpoint.class);
    }

    /**
     * The Kafka clients Debezium makes (schema history, signals) or ours inside it (offset store, first snapshot), by
     * their property prefix, and whether they take the brokers from it too (Debezium's get them from their own option).
     */
    private Map<String, Boolean> kafkaClients() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if ("incremental".equals(cdc.snapshotMode())) {
            out.put(FirstSnapshot.KAFKA_PREFIX, true);
        }
        if (cdc.captureLease()) {
            out.put(KafkaCaptureOffsetStore.PREFIX, true);
            out.put("schema.history.internal.producer.", false);
            out.put("schema.history.internal.consumer.", false);
        }
        out.put("signal.consumer.", false);
        return out;
    }

    /** The endpoint's options without its secrets (see {@link #endpoint}). */
    String debeziumUri() {
        File dir = new File(cdc.dataDir(), "capture");
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IllegalStateException("cannot create " + dir.getAbsolutePath() + " for capture offsets (check PIAM_DATA_DIR)");
        }
        String db = cdc.mysqlDatabase();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("databaseHostname", cdc.mysqlHost());
        o.put("databasePort", String.valueOf(cdc.mysqlPort()));
        o.put("databaseUser", cdc.capture().user());
        o.put("databaseServerId", String.valueOf(cdc.captureServerId()));
        o.put("topicPrefix", cdc.topicPrefix());
        o.put("databaseIncludeList", db);
        String tables = Arrays.stream(PipelineTable.values()).map(t -> db + "." + t.source).collect(Collectors.joining(","));
        o.put("tableIncludeList", tables);
        o.put("includeSchemaChanges", "false");
        // CAPTURE_SNAPSHOT_MODE=incremental (default): streaming starts at the binlog's end at once, and on a first
        // start FirstSnapshot asks for an incremental snapshot of the tables' existing rows (resumable, in chunks
        // between streamed changes); when_needed: Debezium's blocking snapshot first, again when offsets point at
        // binlog the server no longer has; no_data: existing rows left out
        boolean incremental = "incremental".equals(cdc.snapshotMode());
        o.put("snapshotMode", incremental ? "no_data" : cdc.snapshotMode());
        if (incremental) {
            o.put("additionalProperties." + FirstSnapshot.TABLES, tables);
            o.put("additionalProperties." + FirstSnapshot.SIGNAL_TOPIC, cdc.signalTopic());
            o.put("additionalProperties." + FirstSnapshot.SIGNAL_GROUP, signalGroup());
            // its end, even when it begins and ends between two offset writes (empty tables), from Debezium's notification
            o.put("notificationEnabledChannels", SnapshotNotifications.NAME);
        }
        // a snapshot reads the tables 100 rows at a time: unset, the JDBC driver held the whole table in the
        // heap (a 560,000-row cg_access_event ran the 192 MB heap out of memory), and 1,000 rows of 64 KB
        // payloads are 64 MB at once
        o.put("snapshotFetchSize", "100");
        if (cdc.captureLease()) {
            // offsets committed in the changes' Kafka transaction; the changes become visible at that commit
            o.put("offsetStorage", KafkaCaptureOffsetStore.class.getName());
            o.put("offsetStorageTopic", cdc.offsetsTopic());
            o.put("offsetFlushIntervalMs", "250");
            o.put("schemaHistoryInternal", "io.debezium.storage.kafka.history.KafkaSchemaHistory");
            o.put("additionalProperties.schema.history.internal.kafka.topic", cdc.schemaHistoryTopic());
            o.put("additionalProperties.schema.history.internal.kafka.bootstrap.servers", cdc.kafkaBootstrap());
        } else {
            o.put("offsetStorageFileName", new File(dir, "offsets-" + flavor.name().toLowerCase() + ".dat").getAbsolutePath());
            o.put("offsetFlushIntervalMs", "1000");
            // offsets are written only after Kafka acknowledged every change before them (async sends)
            o.put("offsetStorage", CaptureOffsetStore.class.getName());
            o.put("schemaHistoryInternal", "io.debezium.storage.file.history.FileSchemaHistory");
            o.put("schemaHistoryInternalFileFilename",
                    new File(dir, "schema-history-" + flavor.name().toLowerCase() + ".dat").getAbsolutePath());
        }
        // snapshots on demand (make snapshot): Debezium's incremental snapshot, in chunks interleaved with the stream
        // and resumable (its progress is kept with the offsets), signalled through Kafka so that whichever runtime
        // captures reads the request
        o.put("signalEnabledChannels", "kafka");
        o.put("signalPollIntervalMs", "1000");
        o.put("additionalProperties.signal.kafka.topic", cdc.signalTopic());
        o.put("additionalProperties.signal.kafka.bootstrap.servers", cdc.kafkaBootstrap());
        o.put("additionalProperties.signal.kafka.groupId", signalGroup());
        // the signal consumer commits its read position each second (Kafka's default: 5 s), so a successor reads again
        // at most the last second's requests of a capturer that died (a request read twice reads the tables twice)
        o.put("additionalProperties.signal.consumer.auto.commit.interval.ms", "1000");
        if (flavor == SourceFlavor.MARIADB) {
            // read-only: chunk windows are cut by the server's GTID position, nothing is written to the source
            // (the capture user may only read); MariaDB always has GTIDs
            o.put("additionalProperties.read.only", "true");
        }
        // small chunks: read-only, the binlog reader itself sends each chunk's rows into the engine's queue when the
        // chunk's window closes, and waits while the queue is full (the loaders' pace): with Debezium's 1,024 rows a
        // chunk it fell behind and streamed changes were 47 s late after 3 minutes of a first start (still growing);
        // with 128, 1.2-3.3 s throughout at the same snapshot pace (make snapshot-bench, docs/benchmark.md). The reader
        // then passes about one source transaction per chunk, so it keeps up only while transactions/s x chunk rows
        // stays under the loaders' pace: 10 transactions/s (the demo) x 128 = 1,280 of ~1,700 rows/s left no room, and
        // 5 M rows with RUNTIMES=3 fell minutes behind after a busy spell; 32 leaves four times the room
        o.put("incrementalSnapshotChunkSize", String.valueOf(SNAPSHOT_CHUNK_ROWS));
        o.put("heartbeatIntervalMs", String.valueOf(cdc.heartbeatIntervalMs()));
        // notice a restarted source within seconds instead of the default minute
        o.put("connectKeepAliveIntervalMs", "5000");
        // a short engine queue (default 8192 changes): at full speed the default keeps ~25 MB of change
        // events alive long enough to reach the old generation, and full GCs then stall every stage
        o.put("maxQueueSize", "2048");
        // and by bytes: 2,048 rows of a 64 KB payload would be 128 MB of the 192 MB heap
        o.put("maxQueueSizeInBytes", String.valueOf(16L * 1024 * 1024));
        o.put("maxBatchSize", "512");
        if (flavor == SourceFlavor.MARIADB) {
            // Debezium's MySQL connector skips a row after restarts against MariaDB: use its MariaDB connector.
            o.put("additionalProperties.connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
            o.put("databaseJdbcDriver", "org.mariadb.jdbc.Driver");
            o.put("databaseProtocol", "jdbc:mariadb");
        }
        // MYSQL_SSL_MODE / MYSQL_CA_FILE for Debezium's JDBC connection and its binlog reader (the trust store and its
        // password go through the component: {@link #endpoint})
        MysqlTls tls = cdc.mysqlTls();
        o.put("databaseSslMode", flavor == SourceFlavor.MARIADB ? tls.mariadbMode() : tls.mysqlConnectorMode());
        if (flavor == SourceFlavor.MARIADB && !tls.caFile().isEmpty()) {
            o.put("additionalProperties.driver.serverSslCert", tls.caFile()); // MariaDB Connector/J reads the PEM CA itself
        }
        return "debezium-mysql:cloudgate-capture?" + o.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("&"));
    }
}
