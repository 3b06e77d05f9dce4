package com.piam.cdc.config;

import com.piam.cdc.domain.PipelineTable;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The runtime's settings, read by their spec env names (application.properties holds the defaults;
 * an environment variable or -D system property of the same name overrides). Every value is checked
 * here, at start-up, so a bad one stops the runtime with one line naming it.
 */
public record PipelineSettings(
        IngestMode ingestMode,
        double eventRatePerSecond,
        int healthIntervalSeconds,
        int flushIntervalSeconds,
        int maxBatchEvents,
        int maxBatchHealth,
        int maxBufferedRows,
        int catchUpBatchRows,
        double grantRatio,
        double suspiciousRatio,
        List<String> tenants,
        int generatorTickMs,
        int clickHouseMaxBackoffSeconds,
        String mysqlJdbcUrl,
        Login mysql,
        Login mysqlMonitor,
        String clickHouseJdbcUrl,
        String clickHouseDatabase,
        Login clickHouse,
        Login clickHouseReader,
        Cdc cdc,
        int jmxPort,
        Login jmx,
        String routesReloadDirectory,
        String managementHost,
        int managementPort,
        boolean liveViewControls,
        Verify verify,
        int maxBufferedMb,
        boolean requireSecrets) {

    /** The verify-pipeline route: how often, and when a stage counts as stale or late. */
    public record Verify(int intervalSeconds, int staleSeconds, int maxFreshnessSeconds, int setAsideSeconds, int binlogMarginMinutes,
            Reconcile reconcile) {
    }

    /**
     * The reconcile stage: how often it compares, how far back, how long a difference may stay open before it
     * counts, and the earliest source time it compares (epoch seconds, 0: no bound; RECONCILE_FROM).
     */
    public record Reconcile(int intervalSeconds, int lookbackMinutes, int graceSeconds, long fromSec) {
    }

    /** The CDC path: capture (Debezium) and Kafka. */
    public record Cdc(
            boolean captureEnabled,
            SourceFlavor sourceFlavor,
            String mysqlHost,
            int mysqlPort,
            String mysqlDatabase,
            Login capture,
            long captureServerId,
            int heartbeatIntervalMs,
            String dataDir,
            KafkaConnection kafka,
            String topicPrefix,
            int topicPartitions,
            String consumerGroup,
            boolean captureLease,
            String runtimeName,
            String snapshotMode,
            MysqlTls mysqlTls) {

        /** KAFKA_BOOTSTRAP: where the brokers are (messages name it; clients are built from {@link #kafka()}). */
        public String kafkaBootstrap() {
            return kafka.bootstrap();
        }

        /** The one-partition topic whose partition is the capture lease (its holder in the lease group captures). */
        public String leaseTopic() {
            return topicPrefix + ".capture-lease";
        }

        /** The consumer group whose member holding the lease topic's partition captures. */
        public String leaseGroup() {
            return consumerGroup + "-capture-lease";
        }

        /** Debezium's offsets, written in the same Kafka transaction as the changes (CAPTURE_LEASE=true). */
        public String offsetsTopic() {
            return topicPrefix + ".capture-offsets";
        }

        /** Signals to the capturer's Debezium (a snapshot on demand: make snapshot), read by whichever runtime captures. */
        public String signalTopic() {
            return topicPrefix + ".capture-signals";
        }

        /** Debezium's schema history (CAPTURE_LEASE=true). */
        public String schemaHistoryTopic() {
            return topicPrefix + ".capture-schema-history";
        }

        /** The capture producer's transactional.id, the same on every runtime: whoever starts it last fences the others. */
        public String transactionalId() {
            return topicPrefix + "-capture";
        }

        /** The CDC topic of a table: {@code <TOPIC_PREFIX>.<database>.<table>}. */
        public String topic(PipelineTable table) {
            return table.topic(topicPrefix, mysqlDatabase);
        }

        public String accessEventTopic() {
            return topic(PipelineTable.ACCESS_EVENTS);
        }

        public String connectorHealthTopic() {
            return topic(PipelineTable.CONNECTOR_HEALTH);
        }
    }

    /** Which Debezium connector captures the source: chosen by SOURCE_FLAVOR or detected from the server. */
    public enum SourceFlavor {
        AUTO, MYSQL, MARIADB
    }

    /** Reads and validates every setting; {@code lookup} returns null for an unset key. */
    public static PipelineSettings from(Function<String, String> lookup) {
        SettingsReader r = new SettingsReader(lookup);
        int maxBatchEvents = r.positiveInt("MAX_BATCH_EVENTS", "rows per ClickHouse insert of access events", 100_000);
        int maxBatchHealth = r.positiveInt("MAX_BATCH_HEALTH", "rows per ClickHouse insert of connector health", 100_000);
        int maxBuffered = r.positiveInt("MAX_BUFFERED_ROWS", "rows held in memory per table before producers wait", 1_000_000);
        if (maxBuffered < Math.max(maxBatchEvents, maxBatchHealth)) {
            throw new ConfigException("MAX_BUFFERED_ROWS", String.valueOf(maxBuffered),
                    "must be at least MAX_BATCH_EVENTS and MAX_BATCH_HEALTH (" + Math.max(maxBatchEvents, maxBatchHealth) + ")");
        }
        // TLS to MySQL/MariaDB for every connection: the JDBC URL the pools and tools use carries it, the capture
        // gets it through Cdc
        MysqlTls mysqlTls = MysqlTls.read(r, java.nio.file.Path.of(r.required("PIAM_DATA_DIR")));
        String mysqlJdbcUrl = mysqlTls.jdbcUrl(r.jdbcUrl("MYSQL_JDBC_URL", "jdbc:mariadb:", "jdbc:mysql:"));
        ClickHouseTls clickHouseTls = ClickHouseTls.read(r);
        String clickHouseJdbcUrl = clickHouseTls.jdbcUrl(r.jdbcUrl("CLICKHOUSE_JDBC_URL", "jdbc:clickhouse:", "jdbc:ch:"));
        return new PipelineSettings(
                r.ingestMode("INGEST_MODE"),
                r.positiveDouble("EVENT_RATE_PER_SECOND", "access events generated per second, e.g. 10 or 0.5", 100_000),
                r.positiveInt("HEALTH_INTERVAL_SECONDS", "seconds between connector health checks", 86_400),
                r.positiveInt("FLUSH_INTERVAL_SECONDS", "seconds after which a partial batch is loaded", 3_600),
                maxBatchEvents,
                maxBatchHealth,
                maxBuffered,
                r.positiveInt("CATCH_UP_BATCH_ROWS", "rows per ClickHouse insert at most while rows wait in the buffer", 100_000),
                r.ratio("GRANT_RATIO"),
                r.ratio("SUSPICIOUS_RATIO"),
                r.tenants("TENANTS"),
                r.positiveInt("GENERATOR_TICK_MS", "milliseconds between generator ticks", 60_000),
                r.positiveInt("CLICKHOUSE_MAX_BACKOFF_SECONDS", "longest wait between ClickHouse insert retries", 3_600),
                mysqlJdbcUrl,
                r.login("MYSQL_USER", "MYSQL_PASSWORD"),
                r.login("MYSQL_MONITOR_USER", "MYSQL_MONITOR_PASSWORD"),
                clickHouseJdbcUrl,
                r.identifier("CLICKHOUSE_DATABASE"),
                r.login("CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD"),
                r.login("CLICKHOUSE_READER_USER", "CLICKHOUSE_READER_PASSWORD"),
                new Cdc(
                        r.bool("CAPTURE_ENABLED"),
                        r.flavor("SOURCE_FLAVOR"),
                        r.host("MYSQL_HOST"),
                        r.port("MYSQL_PORT"),
                        r.identifier("MYSQL_DATABASE"),
                        r.login("CAPTURE_USER", "CAPTURE_PASSWORD"),
                        r.positiveInt("CAPTURE_SERVER_ID", "the replica server id Debezium uses; unique among the source's replicas"),
                        r.positiveInt("CAPTURE_HEARTBEAT_MS", "milliseconds between Debezium heartbeats (capture liveness)", 600_000),
                        r.required("PIAM_DATA_DIR"),
                        KafkaConnection.read(r),
                        r.topicName("TOPIC_PREFIX"),
                        r.positiveInt("KAFKA_TOPIC_PARTITIONS", "partitions per CDC topic (rows of one key stay in order)", 1_000),
                        r.topicName("KAFKA_GROUP_ID"),
                        r.bool("CAPTURE_LEASE"),
                        r.optional("RUNTIME_NAME"),
                        r.oneOf("CAPTURE_SNAPSHOT_MODE", "incremental", "incremental", "when_needed", "no_data"),
                        mysqlTls),
                r.optionalPort("JMX_PORT"),
                r.login("JMX_USER", "JMX_PASSWORD"),
                r.optional("ROUTES_RELOAD_DIRECTORY"),
                r.required("MANAGEMENT_HOST"),
                r.port("MANAGEMENT_PORT"),
                r.bool("LIVE_VIEW_CONTROLS"),
                new Verify(
                        r.positiveInt("VERIFY_INTERVAL_SECONDS", "seconds between pipeline verifications", 86_400),
                        r.positiveInt("VERIFY_STALE_SECONDS", "seconds without new data after which a stage counts as stale", 86_400),
                        r.positiveInt("VERIFY_MAX_FRESHNESS_SECONDS", "highest acceptable p95 of ClickHouse ingest - source commit",
                                86_400),
                        r.positiveInt("VERIFY_SET_ASIDE_SECONDS", "how long a row set aside keeps the verdict DEGRADED", 86_400),
                        r.positiveInt("VERIFY_BINLOG_MARGIN_MINUTES",
                                "least time before the binlog file the capture reads would be purged", 525_600),
                        new Reconcile(
                                r.positiveInt("RECONCILE_INTERVAL_SECONDS", "seconds between two reconciliations of source and ClickHouse", 86_400),
                                r.positiveInt("RECONCILE_LOOKBACK_MINUTES", "minutes of source time each reconciliation compares", 10_080),
                                r.positiveInt("RECONCILE_GRACE_SECONDS", "seconds a difference may stay open (rows in flight) before it is reported",
                                        86_400),
                                r.utcTime("RECONCILE_FROM"))),
                r.positiveInt("MAX_BUFFERED_MB", "megabytes of rows held in memory for ClickHouse, all tables together", 4_096),
                r.bool("PIAM_REQUIRE_SECRETS"));
    }

    /** One line for the start-up log; passwords are left out. */
    public String summary() {
        return "INGEST_MODE=" + ingestMode.name().toLowerCase(Locale.ROOT)
                + " EVENT_RATE_PER_SECOND=" + eventRatePerSecond
                + " HEALTH_INTERVAL_SECONDS=" + healthIntervalSeconds
                + " FLUSH_INTERVAL_SECONDS=" + flushIntervalSeconds
                + " MAX_BATCH_EVENTS=" + maxBatchEvents
                + " MAX_BATCH_HEALTH=" + maxBatchHealth
                + " MAX_BUFFERED_ROWS=" + maxBufferedRows
                + " CATCH_UP_BATCH_ROWS=" + catchUpBatchRows
                + " MAX_BUFFERED_MB=" + maxBufferedMb
                + " TENANTS=" + String.join(",", tenants)
                + " MYSQL=" + mysql.user() + "@" + Secrets.maskUrl(mysqlJdbcUrl.replaceFirst("[?&]sslMode=.*", ""))
                + (cdc.mysqlTls().enabled() ? " MYSQL_SSL_MODE=" + cdc.mysqlTls().mode()
                        + (cdc.mysqlTls().caFile().isEmpty() ? "" : " MYSQL_CA_FILE=" + cdc.mysqlTls().caFile()) : "") + " MYSQL_MONITOR_USER=" + mysqlMonitor.user()
                + (ingestMode == IngestMode.CDC ? " SOURCE_FLAVOR=" + cdc.sourceFlavor().name().toLowerCase(Locale.ROOT)
                        + " CAPTURE_USER=" + cdc.capture().user() + " KAFKA=" + cdc.kafka().describe()
                        + " TOPICS=" + cdc.accessEventTopic() + "," + cdc.connectorHealthTopic() : "")
                + " CLICKHOUSE=" + clickHouse.user() + "@" + Secrets.maskUrl(clickHouseJdbcUrl.replaceFirst("\\?.*", ""))
                + (clickHouseJdbcUrl.contains("sslrootcert=") ? " CLICKHOUSE_CA_FILE=" + clickHouseJdbcUrl.replaceFirst(".*sslrootcert=([^&]*).*", "$1") : "")
                + " CLICKHOUSE_READER_USER=" + clickHouseReader.user();
    }

    /** RUNTIME_NAME, or host:MANAGEMENT_PORT: how this runtime names itself to the others (lease, consumer groups). */
    public String runtimeName() {
        if (!cdc.runtimeName().isBlank()) {
            return cdc.runtimeName().trim();
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "localhost";
        }
        return host + ":" + managementPort;
    }

    public int flushIntervalMillis() {
        return flushIntervalSeconds * 1000;
    }
}
