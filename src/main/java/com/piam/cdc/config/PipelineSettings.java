package com.piam.cdc.config;

import java.util.Arrays;
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
        Verify verify,
        int maxBufferedMb) {

    /** The verify-pipeline route: how often, and when a stage counts as stale or late. */
    public record Verify(int intervalSeconds, int staleSeconds, int maxFreshnessSeconds, int setAsideSeconds) {
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
            String kafkaBootstrap,
            String topicPrefix,
            int topicPartitions,
            String consumerGroup) {

        public String accessEventTopic() {
            return topicPrefix + "." + mysqlDatabase + ".cg_access_event";
        }

        public String connectorHealthTopic() {
            return topicPrefix + "." + mysqlDatabase + ".cg_connector_health";
        }
    }

    /** Which Debezium connector captures the source: chosen by SOURCE_FLAVOR or detected from the server. */
    public enum SourceFlavor {
        AUTO, MYSQL, MARIADB
    }

    /** Reads and validates every setting; {@code lookup} returns null for an unset key. */
    public static PipelineSettings from(Function<String, String> lookup) {
        Reader r = new Reader(lookup);
        int maxBatchEvents = r.positiveInt("MAX_BATCH_EVENTS", "rows per ClickHouse insert of access events", 100_000);
        int maxBatchHealth = r.positiveInt("MAX_BATCH_HEALTH", "rows per ClickHouse insert of connector health", 100_000);
        int maxBuffered = r.positiveInt("MAX_BUFFERED_ROWS", "rows held in memory per table before producers wait", 1_000_000);
        if (maxBuffered < Math.max(maxBatchEvents, maxBatchHealth)) {
            throw new ConfigException("MAX_BUFFERED_ROWS", String.valueOf(maxBuffered),
                    "must be at least MAX_BATCH_EVENTS and MAX_BATCH_HEALTH (" + Math.max(maxBatchEvents, maxBatchHealth) + ")");
        }
        return new PipelineSettings(
                r.ingestMode("INGEST_MODE"),
                r.positiveDouble("EVENT_RATE_PER_SECOND", "access events generated per second, e.g. 10 or 0.5", 100_000),
                r.positiveInt("HEALTH_INTERVAL_SECONDS", "seconds between connector health checks", 86_400),
                r.positiveInt("FLUSH_INTERVAL_SECONDS", "seconds after which a partial batch is loaded", 3_600),
                maxBatchEvents,
                maxBatchHealth,
                maxBuffered,
                r.ratio("GRANT_RATIO"),
                r.ratio("SUSPICIOUS_RATIO"),
                r.tenants("TENANTS"),
                r.positiveInt("GENERATOR_TICK_MS", "milliseconds between generator ticks", 60_000),
                r.positiveInt("CLICKHOUSE_MAX_BACKOFF_SECONDS", "longest wait between ClickHouse insert retries", 3_600),
                r.jdbcUrl("MYSQL_JDBC_URL", "jdbc:mariadb:", "jdbc:mysql:"),
                r.login("MYSQL_USER", "MYSQL_PASSWORD"),
                r.login("MYSQL_MONITOR_USER", "MYSQL_MONITOR_PASSWORD"),
                r.jdbcUrl("CLICKHOUSE_JDBC_URL", "jdbc:clickhouse:", "jdbc:ch:"),
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
                        r.bootstrap("KAFKA_BOOTSTRAP"),
                        r.topicName("TOPIC_PREFIX"),
                        r.positiveInt("KAFKA_TOPIC_PARTITIONS", "partitions per CDC topic (rows of one key stay in order)", 1_000),
                        r.topicName("KAFKA_GROUP_ID")),
                r.optionalPort("JMX_PORT"),
                r.login("JMX_USER", "JMX_PASSWORD"),
                r.optional("ROUTES_RELOAD_DIRECTORY"),
                r.required("MANAGEMENT_HOST"),
                r.port("MANAGEMENT_PORT"),
                new Verify(
                        r.positiveInt("VERIFY_INTERVAL_SECONDS", "seconds between pipeline verifications", 86_400),
                        r.positiveInt("VERIFY_STALE_SECONDS", "seconds without new data after which a stage counts as stale", 86_400),
                        r.positiveInt("VERIFY_MAX_FRESHNESS_SECONDS", "highest acceptable p95 of ClickHouse ingest - source commit",
                                86_400),
                        r.positiveInt("VERIFY_SET_ASIDE_SECONDS", "how long a row set aside keeps the verdict DEGRADED", 86_400)),
                r.positiveInt("MAX_BUFFERED_MB", "megabytes of rows held in memory for ClickHouse, all tables together", 4_096));
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
                + " MAX_BUFFERED_MB=" + maxBufferedMb
                + " TENANTS=" + String.join(",", tenants)
                + " MYSQL=" + mysql.user() + "@" + Secrets.maskUrl(mysqlJdbcUrl) + " MYSQL_MONITOR_USER=" + mysqlMonitor.user()
                + (ingestMode == IngestMode.CDC ? " SOURCE_FLAVOR=" + cdc.sourceFlavor().name().toLowerCase(Locale.ROOT)
                        + " CAPTURE_USER=" + cdc.capture().user() + " KAFKA_BOOTSTRAP=" + cdc.kafkaBootstrap()
                        + " TOPICS=" + cdc.accessEventTopic() + "," + cdc.connectorHealthTopic() : "")
                + " CLICKHOUSE=" + clickHouse.user() + "@" + Secrets.maskUrl(clickHouseJdbcUrl.replaceFirst("\\?.*", ""))
                + " CLICKHOUSE_READER_USER=" + clickHouseReader.user();
    }

    public int flushIntervalMillis() {
        return flushIntervalSeconds * 1000;
    }

    private record Reader(Function<String, String> lookup) {

        String raw(String key) {
            String v = lookup.apply(key);
            return v == null ? null : v.trim();
        }

        String required(String key) {
            String v = raw(key);
            if (v == null || v.isEmpty()) {
                throw new ConfigException(key, v == null ? "" : v, "must be set (see application.properties for the default)");
            }
            return v;
        }

        String optional(String key) {
            String v = raw(key);
            return v == null ? "" : v;
        }

        IngestMode ingestMode(String key) {
            String v = required(key);
            try {
                return IngestMode.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, v, "must be one of cdc, direct");
            }
        }

        /** A whole number from 1 to {@code max}: the upper bound stops a typo (an extra 0) from exhausting memory. */
        int positiveInt(String key, String meaning, int max) {
            int n = positiveInt(key, meaning);
            if (n > max) {
                throw new ConfigException(key, String.valueOf(n), "must be at most " + max + " (" + meaning + ")");
            }
            return n;
        }

        double positiveDouble(String key, String meaning, double max) {
            double d = positiveDouble(key, meaning);
            if (d > max) {
                throw new ConfigException(key, raw(key), "must be at most " + (long) max + " (" + meaning + ")");
            }
            return d;
        }

        /**
         * host:port[,host:port...]: nothing else, as the value goes into Camel endpoint URIs (a '&' or
         * '?' would smuggle endpoint options in).
         */
        String bootstrap(String key) {
            String v = required(key);
            String hostPort = "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):[0-9]{1,5}";
            if (!v.matches(hostPort + "(," + hostPort + ")*")) {
                throw new ConfigException(key, v, "must be host:port[,host:port...], e.g. 127.0.0.1:9092");
            }
            return v;
        }

        String host(String key) {
            String v = required(key);
            if (!v.matches("\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                throw new ConfigException(key, v, "must be a host name or IP address, e.g. 127.0.0.1");
            }
            return v;
        }

        /** A user name and its password ({@link Secrets#password}: _FILE, value, demo default). */
        Login login(String userKey, String passwordKey) {
            return new Login(userName(userKey), Secrets.password(lookup, passwordKey));
        }

        String userName(String key) {
            String v = required(key);
            if (!v.matches("[A-Za-z0-9_.@-]{1,80}")) {
                throw new ConfigException(key, v, "must be a database user name (letters, digits, _ . @ -), e.g. debezium");
            }
            return v;
        }

        int positiveInt(String key, String meaning) {
            String v = required(key);
            int n;
            try {
                n = Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, v, "must be a whole number greater than 0 (" + meaning + ")");
            }
            if (n <= 0) {
                throw new ConfigException(key, v, "must be a whole number greater than 0 (" + meaning + ")");
            }
            return n;
        }

        double positiveDouble(String key, String meaning) {
            String v = required(key);
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, v, "must be a number greater than 0 (" + meaning + ")");
            }
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new ConfigException(key, v, "must be a number greater than 0 (" + meaning + ")");
            }
            return d;
        }

        double ratio(String key) {
            String v = required(key);
            double d;
            try {
                d = Double.parseDouble(v);
            } catch (NumberFormatException e) {
                throw new ConfigException(key, v, "must be a number from 0 to 1, e.g. 0.75");
            }
            if (!(d >= 0 && d <= 1)) {
                throw new ConfigException(key, v, "must be a number from 0 to 1, e.g. 0.75");
            }
            return d;
        }

        List<String> tenants(String key) {
            String v = required(key);
            List<String> list = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
            if (list.isEmpty() || !list.stream().allMatch(t -> t.matches("[a-z0-9][a-z0-9_-]{0,49}"))) {
                throw new ConfigException(key, v, "must be a comma-separated list of tenant ids (lower-case letters, digits, - or _), e.g. acme,buildright");
            }
            return list;
        }

        PipelineSettings.SourceFlavor flavor(String key) {
            String v = optional(key);
            if (v.isEmpty()) {
                return PipelineSettings.SourceFlavor.AUTO;
            }
            try {
                return PipelineSettings.SourceFlavor.valueOf(v.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, v, "must be mysql, mariadb, or empty to detect it from the server's version");
            }
        }

        boolean bool(String key) {
            String v = required(key);
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new ConfigException(key, v, "must be true or false");
            };
        }

        /** 0 when unset or empty. */
        int optionalPort(String key) {
            String v = raw(key);
            return v == null || v.isBlank() ? 0 : port(key);
        }

        int port(String key) {
            int p = positiveInt(key, "a TCP port");
            if (p > 65535) {
                throw new ConfigException(key, String.valueOf(p), "must be a TCP port (1-65535)");
            }
            return p;
        }

        String topicName(String key) {
            String v = required(key);
            if (!v.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new ConfigException(key, v, "must be letters, digits, . _ or - (it names Kafka topics or groups), e.g. "
                        + (key.equals("KAFKA_GROUP_ID") ? "cdc-consumer-group" : "cg"));
            }
            return v;
        }

        String identifier(String key) {
            String v = required(key);
            if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new ConfigException(key, v, "must be a database name (letters, digits, _), e.g. piam");
            }
            return v;
        }

        String jdbcUrl(String key, String... prefixes) {
            String v = required(key);
            for (String p : prefixes) {
                if (v.startsWith(p)) {
                    return v;
                }
            }
            throw new ConfigException(key, v, "must be a JDBC URL starting with " + String.join(" or ", prefixes));
        }
    }
}
