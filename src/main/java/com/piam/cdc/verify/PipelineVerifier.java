package com.piam.cdc.verify;

import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.Retry;
import com.piam.cdc.capture.CaptureLiveness;
import com.piam.cdc.capture.CaptureRoute;
import com.piam.cdc.capture.CaptureWatchdog;
import com.piam.cdc.config.IngestMode;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.load.FactLoader;
import com.piam.cdc.consume.DeadLetterWriter;
import com.piam.cdc.consume.OffsetCommitListener;
import com.piam.cdc.load.LoadState;
import com.piam.cdc.verify.PipelineStatus.Overall;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.ConnectException;
import java.net.URI;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The verify-pipeline route's bean: checks every stage and says HEALTHY, DEGRADED or DOWN with a
 * reason per failing stage that tells the operator where to look. Stages: routes (every route's
 * state), mysql, capture, kafka (CDC mode), loader, clickhouse, freshness. Every check has a short
 * timeout, so a dead service makes its stage fail instead of hanging the verifier.
 */
public class PipelineVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineVerifier.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int TIMEOUT_SECONDS = 5;

    private final CamelContext context;
    private final PipelineSettings settings;
    private final FactLoader loader;
    private final DataSource mysql;
    private final DataSource clickHouse;
    private final long startedMs = System.currentTimeMillis();

    private volatile PipelineStatus last;
    private Admin kafka;
    private CaptureLiveness liveness;
    private CaptureWatchdog watchdog;
    /** Per topic: committed offsets seen last time and when they last moved (or the lag was 0). */
    private final Map<String, long[]> kafkaProgress = new HashMap<>();
    private String lastCapturePosition = "";
    private volatile Map<String, DeadLetterRecency.Recent> deadLettersRecent = Map.of();
    private final DeadLetterRecency dlqRecency;
    private long capturePositionMovedMs = System.currentTimeMillis();

    public PipelineVerifier(CamelContext context, PipelineSettings settings, FactLoader loader, DataSource mysql,
            DataSource clickHouse) {
        this.context = context;
        this.settings = settings;
        this.loader = loader;
        this.mysql = mysql;
        this.clickHouse = clickHouse;
        this.dlqRecency = new DeadLetterRecency(settings.cdc().kafkaBootstrap());
    }

    /** The latest verdict (null before the first check). */
    public PipelineStatus last() {
        return last;
    }

    /** Checks every stage ({@link #stageNames()}) now; called by the verify-pipeline timer and by /observe/pipeline?refresh=true. */
    public synchronized PipelineStatus verify() {
        long now = System.currentTimeMillis();
        boolean cdc = settings.ingestMode() == IngestMode.CDC;
        boolean capture = cdc && settings.cdc().captureEnabled();
        if (capture && liveness == null) {
            liveness = context.getRegistry().lookupByNameAndType("captureLiveness", CaptureLiveness.class);
            watchdog = context.getRegistry().lookupByNameAndType("captureWatchdog", CaptureWatchdog.class);
        }
        List<StageStatus> stages = new ArrayList<>();
        stages.add(routes());
        MysqlFacts source = null;
        if (cdc) {
            source = mysqlFacts(capture);
            stages.add(mysqlStage(source));
            if (capture) {
                stages.add(captureStage(source, now));
            }
            stages.add(kafkaStage(now));
        }
        stages.add(loaderStage(now));
        stages.add(RejectedStage.check(context, loader.setAside(), settings.clickHouseDatabase(),
                settings.verify().setAsideSeconds() * 1000L, cdc ? deadLettersRecent : Map.of()));
        ClickHouseFacts target = clickHouseFacts();
        stages.add(clickHouseStage(target, now));
        stages.add(freshnessStage(target));

        Overall overall = stages.stream().allMatch(StageStatus::ok) ? Overall.HEALTHY : Overall.DEGRADED;
        if (target.error == null && target.accessRows10m == 0 && target.healthRows10m == 0) {
            overall = Overall.DOWN;
        }
        PipelineStatus status = new PipelineStatus(overall, now, System.currentTimeMillis() - now,
                settings.ingestMode().name().toLowerCase(Locale.ROOT), List.copyOf(stages));
        report(last, status);
        last = status;
        return status;
    }

    private static void report(PipelineStatus before, PipelineStatus now) {
        // log a change of verdict or of the failing stages, not every new figure in a reason
        boolean changed = before == null || before.overall() != now.overall() || !failing(before).equals(failing(now));
        if (!changed) {
            return;
        }
        if (now.overall() == Overall.HEALTHY) {
            LOG.info("verify-pipeline: HEALTHY ({} stages OK)", now.stages().size());
        } else {
            LOG.warn("verify-pipeline: {}: {}", now.overall(), now.reasons());
        }
    }

    private static List<String> failing(PipelineStatus s) {
        return s.stages().stream().filter(x -> !x.ok()).map(StageStatus::stage).toList();
    }

    // ---------------------------------------------------------------- routes

    private StageStatus routes() {
        StageStatus.Builder b = StageStatus.of("routes");
        for (Route route : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
            b.fact(route.getRouteId(), String.valueOf(status));
            if (status != ServiceStatus.Started) {
                b.problem("routes: " + route.getRouteId() + " is " + status + " (start it from JConsole or: ops/local/route.sh start "
                        + route.getRouteId() + ")");
            }
        }
        return b.build();
    }

    private String routeStatus(String routeId) {
        ServiceStatus s = context.getRouteController().getRouteStatus(routeId);
        return s == null ? "absent" : s.name();
    }

    // ---------------------------------------------------------------- MySQL

    private record MysqlFacts(String error, Long newestRowAgeMs, String serverBinlog) {
    }

    private MysqlFacts mysqlFacts(boolean capture) {
        try (Connection c = mysql.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(TIMEOUT_SECONDS);
            Long age = null;
            // one loose index scan per tenant (idx_tenant_time), not a table scan
            try (ResultSet rs = st.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, MAX(t), UTC_TIMESTAMP(6)) DIV 1000 FROM "
                    + "(SELECT MAX(event_time) t FROM cg_access_event GROUP BY tenant_id) x")) {
                if (rs.next()) {
                    long v = rs.getLong(1);
                    age = rs.wasNull() ? null : Math.max(0, v);
                }
            }
            String binlog = "";
            if (capture) {
                try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                    if (rs.next()) {
                        binlog = rs.getString(1) + ":" + rs.getLong(2);
                    }
                } catch (SQLException e) {
                    binlog = "unknown (" + Retry.rootMessage(e) + ")";
                }
            }
            return new MysqlFacts(null, age, binlog);
        } catch (Exception e) {
            return new MysqlFacts(problem(e, settings.cdc().mysqlHost() + ":" + settings.cdc().mysqlPort()), null, "");
        }
    }

    private StageStatus mysqlStage(MysqlFacts f) {
        StageStatus.Builder b = StageStatus.of("mysql").fact("server", settings.cdc().mysqlHost() + ":" + settings.cdc().mysqlPort());
        if (f.error != null) {
            return b.fact("reachable", false).problem("MySQL: " + f.error).build();
        }
        b.fact("reachable", true).fact("newest_row_age", f.newestRowAgeMs == null ? "no rows" : age(f.newestRowAgeMs));
        if (!f.serverBinlog.isEmpty()) {
            b.fact("binlog_position", f.serverBinlog);
        }
        long stale = settings.verify().staleSeconds() * 1000L;
        if (f.newestRowAgeMs == null ? uptime() > stale : f.newestRowAgeMs > stale) {
            b.problem("MySQL: " + (f.newestRowAgeMs == null ? "no access event rows" : "newest access event is "
                    + age(f.newestRowAgeMs) + " old") + " (generate-access-events is " + routeStatus("generate-access-events") + ")");
        }
        return b.build();
    }

    // ---------------------------------------------------------------- capture

    private StageStatus captureStage(MysqlFacts source, long now) {
        StageStatus.Builder b = StageStatus.of("capture");
        if (liveness == null) {
            return b.problem("capture: not running (no capture state registered)").build();
        }
        String position = liveness.binlogPosition();
        if (!position.equals(lastCapturePosition)) {
            lastCapturePosition = position;
            capturePositionMovedMs = now;
        }
        String problem = watchdog == null ? "" : watchdog.lastProblem();
        b.fact("route", routeStatus(CaptureRoute.ROUTE_ID))
                .fact("engine", problem.isEmpty() ? "running" : "restarting")
                .fact("changes_captured", liveness.changesCaptured())
                .fact("last_change_age", liveness.lastChangeMs() == 0 ? "none yet" : age(now - liveness.lastChangeMs()))
                .fact("binlog_position", position.isEmpty() ? "none yet" : position)
                .fact("binlog_position_moved", age(now - capturePositionMovedMs) + " ago");
        if (watchdog != null) {
            b.fact("restarts", watchdog.restarts());
        }
        if (!problem.isEmpty()) {
            b.problem(problem);
        } else if (context.getRouteController().getRouteStatus(CaptureRoute.ROUTE_ID) != ServiceStatus.Started) {
            b.problem("capture: route " + CaptureRoute.ROUTE_ID + " is " + routeStatus(CaptureRoute.ROUTE_ID)
                    + "; MySQL changes wait in the binlog");
        } else if (source.newestRowAgeMs != null) {
            // rows newer than anything captured, for longer than the stale limit: capture is stuck
            long newestRowMs = now - source.newestRowAgeMs;
            long capturedUpToMs = Math.max(liveness.lastSourceTsMs(), startedMs);
            long behind = newestRowMs - capturedUpToMs;
            if (behind > settings.verify().staleSeconds() * 1000L) {
                b.problem("capture: " + age(behind) + " behind MySQL (captured up to binlog " + position + ", server at "
                        + source.serverBinlog + "); see the Debezium lines in the log");
            }
        }
        return b.build();
    }

    // ---------------------------------------------------------------- Kafka

    private StageStatus kafkaStage(long now) {
        PipelineSettings.Cdc cdc = settings.cdc();
        StageStatus.Builder b = StageStatus.of("kafka").fact("bootstrap", cdc.kafkaBootstrap());
        Map<String, String> consumers = Map.of(cdc.accessEventTopic(), "load-access-events",
                cdc.connectorHealthTopic(), "load-connector-health");
        try {
            Admin admin = kafka();
            admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            b.fact("reachable", true);
            List<String> topics = List.of(cdc.accessEventTopic(), cdc.connectorHealthTopic());
            Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<TopicPartition> partitions = new ArrayList<>();
            described.values().forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> begins = offsets(admin, partitions, OffsetSpec.earliest());
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(cdc.consumerGroup())
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<String, Long> lag = new TreeMap<>();
            Map<String, Long> committedSum = new TreeMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long from = c == null ? begins.getOrDefault(tp, 0L) : c.offset();
                lag.merge(tp.topic(), Math.max(0, ends.getOrDefault(tp, 0L) - from), Long::sum);
                committedSum.merge(tp.topic(), from, Long::sum);
            }
            for (String topic : topics) {
                long l = lag.getOrDefault(topic, 0L);
                b.fact("lag " + topic, l);
                long[] seen = kafkaProgress.computeIfAbsent(topic, t -> new long[] {-1, now});
                long sum = committedSum.getOrDefault(topic, 0L);
                if (l == 0 || sum != seen[0]) {
                    seen[0] = sum;
                    seen[1] = now;
                }
                long stalled = now - seen[1];
                if (l > 0 && stalled > settings.verify().staleSeconds() * 1000L) {
                    b.problem("Kafka: " + l + " records waiting on " + topic + ", none loaded for " + age(stalled)
                            + " (" + consumers.get(topic) + " is " + routeStatus(consumers.get(topic)) + ")");
                }
            }
            deadLetters(admin, topics, b);
            heldBack(b);
            recentDeadLetters(admin, now);
        } catch (Exception e) {
            closeKafka();
            b.fact("reachable", false).problem("Kafka: " + problem(e, cdc.kafkaBootstrap()));
        }
        return b.build();
    }

    /** Per fact table: records set aside on its dead-letter topic within VERIFY_SET_ASIDE_SECONDS (for the rejected stage). */
    private void recentDeadLetters(Admin admin, long now) {
        PipelineSettings.Cdc cdc = settings.cdc();
        String db = settings.clickHouseDatabase();
        Map<String, DeadLetterRecency.Recent> recent = new HashMap<>();
        Map<String, String> tables = Map.of(cdc.accessEventTopic(), db + ".fact_access_events",
                cdc.connectorHealthTopic(), db + ".fact_connector_health");
        tables.forEach((topic, table) -> {
            try {
                recent.put(table, dlqRecency.since(admin, topic + ".dlq", now - settings.verify().setAsideSeconds() * 1000L,
                        TIMEOUT_SECONDS));
            } catch (Exception e) {
                LOG.debug("dead-letter recency of {}: {}", topic, e.toString());
            }
        });
        deadLettersRecent = recent;
    }

    /** A partition whose commit waits behind a record for longer than the stale limit is named with its offset. */
    private void heldBack(StageStatus.Builder b) {
        DeadLetterWriter writer = context.getRegistry().lookupByNameAndType("deadLetterWriter", DeadLetterWriter.class);
        String dlqProblem = writer == null ? "" : writer.lastFailure();
        for (OffsetCommitListener commits : context.getRegistry().findByType(OffsetCommitListener.class)) {
            for (String held : commits.heldBack(settings.verify().staleSeconds() * 1000L)) {
                b.problem("Kafka: " + held + (dlqProblem.isEmpty() ? "" : "; dead-letter write failing: " + dlqProblem));
            }
        }
        if (!dlqProblem.isEmpty()) {
            b.fact("dead_letter_write", dlqProblem);
        }
    }

    /** Records set aside on each {@code <topic>.dlq} (by design not a failure: the flow went on). */
    private static void deadLetters(Admin admin, List<String> topics, StageStatus.Builder b) throws Exception {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> dlqs = topics.stream().map(t -> t + ".dlq").filter(existing::contains).toList();
        Map<String, Long> counts = new TreeMap<>();
        topics.forEach(t -> counts.put(t + ".dlq", 0L));
        if (!dlqs.isEmpty()) {
            List<TopicPartition> partitions = new ArrayList<>();
            admin.describeTopics(dlqs).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()
                    .forEach(d -> d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition()))));
            Map<TopicPartition, Long> ends = offsets(admin, partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> begins = offsets(admin, partitions, OffsetSpec.earliest());
            for (TopicPartition tp : partitions) {
                counts.merge(tp.topic(), ends.getOrDefault(tp, 0L) - begins.getOrDefault(tp, 0L), Long::sum);
            }
        }
        counts.forEach((dlq, n) -> b.fact("dead_letters " + dlq, n));
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions, OffsetSpec spec)
            throws Exception {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec));
        return admin.listOffsets(request).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    private Admin kafka() {
        if (kafka == null) {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.cdc().kafkaBootstrap());
            p.put(AdminClientConfig.CLIENT_ID_CONFIG, "piam-verify");
            p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
            p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
            p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 5000);
            kafka = Admin.create(p);
        }
        return kafka;
    }

    private void closeKafka() {
        if (kafka != null) {
            kafka.close(Duration.ofSeconds(1));
            kafka = null;
        }
    }

    /** Releases the Kafka admin client and the verifier's own database pools (on shutdown). */
    public synchronized void close() {
        closeKafka();
        dlqRecency.close();
        for (DataSource ds : List.of(mysql, clickHouse)) {
            if (ds instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.debug("closing a verifier pool: {}", e.toString());
                }
            }
        }
    }

    /** The stages verify() reports for these settings, in report order (one Camel health check each). */
    public List<String> stageNames() {
        boolean cdc = settings.ingestMode() == IngestMode.CDC;
        List<String> names = new ArrayList<>(List.of("routes"));
        if (cdc) {
            names.add("mysql");
            if (settings.cdc().captureEnabled()) {
                names.add("capture");
            }
            names.add("kafka");
        }
        names.addAll(List.of("loader", "rejected", "clickhouse", "freshness"));
        return names;
    }

    // ---------------------------------------------------------------- loader

    private StageStatus loaderStage(long now) {
        StageStatus.Builder b = StageStatus.of("loader");
        String db = settings.clickHouseDatabase();
        table(b, now, db + ".fact_access_events", loader.accessEventsState(), "load-access-events",
                settings.verify().staleSeconds());
        table(b, now, db + ".fact_connector_health", loader.connectorHealthState(), "load-connector-health",
                Math.max(settings.verify().staleSeconds(), 3 * settings.healthIntervalSeconds()));
        return b.build();
    }

    private void table(StageStatus.Builder b, long now, String table, LoadState state, String routeId, int staleSeconds) {
        long lastOk = state.lastSuccessMs();
        b.fact("last_batch_age " + table, lastOk == 0 ? "none yet" : age(now - lastOk));
        b.fact("failed_inserts " + table, state.failedAttempts());
        if (state.failingSinceMs() > 0) {
            b.problem("loader: inserts into " + table + " failing since " + CLOCK.format(Instant.ofEpochMilli(state.failingSinceMs()))
                    + " (retrying, rows kept): " + state.lastError());
        } else if (now - Math.max(lastOk, startedMs) > staleSeconds * 1000L) {
            b.problem("loader: no batch loaded into " + table + " for " + age(now - Math.max(lastOk, startedMs)) + " ("
                    + routeId + " is " + routeStatus(routeId) + ")");
        }
    }

    // ---------------------------------------------------------------- ClickHouse

    private static final class ClickHouseFacts {
        String error;
        long accessRows10m;
        long newestAccessMs;
        long healthRows10m;
        long newestCheckMs;
        final Map<String, Long> lastCheckByConnector = new LinkedHashMap<>();
        final TreeSet<String> expectedConnectors = new TreeSet<>();
        long freshnessRows;
        double freshnessP95Ms;
    }

    private ClickHouseFacts clickHouseFacts() {
        ClickHouseFacts f = new ClickHouseFacts();
        String db = settings.clickHouseDatabase();
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(TIMEOUT_SECONDS);
            // exact under replay: distinct keys, not rows
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.recentAccessEvents(db))) {
                rs.next();
                f.accessRows10m = rs.getLong(1);
                f.newestAccessMs = rs.getLong(2);
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.recentHealthChecks(db))) {
                rs.next();
                f.healthRows10m = rs.getLong(1);
                f.newestCheckMs = rs.getLong(2);
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.expectedConnectors(db, settings.tenants()))) {
                while (rs.next()) {
                    f.expectedConnectors.add(rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.lastCheckByConnector(db))) {
                while (rs.next()) {
                    f.lastCheckByConnector.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.freshnessLast5Minutes(db))) {
                rs.next();
                f.freshnessRows = rs.getLong(1);
                f.freshnessP95Ms = f.freshnessRows == 0 ? 0 : rs.getDouble(2);
            }
        } catch (Exception e) {
            f.error = problem(e, hostPort(settings.clickHouseJdbcUrl()));
        }
        return f;
    }

    private StageStatus clickHouseStage(ClickHouseFacts f, long now) {
        StageStatus.Builder b = StageStatus.of("clickhouse").fact("server", hostPort(settings.clickHouseJdbcUrl()));
        if (f.error != null) {
            return b.fact("reachable", false).problem("ClickHouse: " + f.error).build();
        }
        long stale = settings.verify().staleSeconds() * 1000L;
        b.fact("reachable", true)
                .fact("access_events_10m", f.accessRows10m)
                .fact("newest_access_event", f.newestAccessMs == 0 ? "none" : age(now - f.newestAccessMs) + " old")
                .fact("health_checks_10m", f.healthRows10m)
                .fact("newest_health_check", f.newestCheckMs == 0 ? "none" : age(now - f.newestCheckMs) + " old");
        if (f.accessRows10m == 0 && f.healthRows10m == 0) {
            b.problem("ClickHouse: no rows in the last 10 minutes in fact_access_events or fact_connector_health");
        } else if (f.newestAccessMs == 0 || now - f.newestAccessMs > stale) {
            b.problem("ClickHouse: newest access event is " + (f.newestAccessMs == 0 ? "older than 10 minutes"
                    : age(now - f.newestAccessMs) + " old"));
        }
        long checkStale = Math.max(stale, 3000L * settings.healthIntervalSeconds());
        List<String> silent = new ArrayList<>();
        for (String connector : f.expectedConnectors) {
            Long last = f.lastCheckByConnector.get(connector);
            b.fact("last_check " + connector, last == null ? "none in 10 minutes" : age(now - last) + " old");
            if (last == null || now - last > checkStale) {
                silent.add(connector);
            }
        }
        if (!silent.isEmpty()) {
            b.problem("ClickHouse: no health check in the last " + age(checkStale) + " from " + String.join(", ", silent));
        }
        return b.build();
    }

    private StageStatus freshnessStage(ClickHouseFacts f) {
        StageStatus.Builder b = StageStatus.of("freshness");
        int limit = settings.verify().maxFreshnessSeconds();
        b.fact("limit_seconds", limit);
        if (f.error != null) {
            return b.fact("p95_5m", "unknown (ClickHouse not answering)").build();
        }
        b.fact("rows_5m", f.freshnessRows);
        if (f.freshnessRows == 0) {
            return b.fact("p95_5m", "no rows").build();
        }
        b.fact("p95_5m", String.format(Locale.ROOT, "%.1f s", f.freshnessP95Ms / 1000));
        if (f.freshnessP95Ms > limit * 1000.0) {
            b.problem(String.format(Locale.ROOT, "freshness: p95 %.1f s over the last 5 minutes (limit %d s); look at the Kafka lag "
                    + "and the loader", f.freshnessP95Ms / 1000, limit));
        }
        return b.build();
    }

    // ---------------------------------------------------------------- helpers

    private long uptime() {
        return System.currentTimeMillis() - startedMs;
    }

    /** "connection refused at 127.0.0.1:8123", or the innermost error. */
    static String problem(Throwable e, String where) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused at " + where;
            }
        }
        String m = Retry.rootMessage(e);
        if (m.contains("Connection refused")) {
            return "connection refused at " + where;
        }
        return m + " (" + where + ")";
    }

    /** host:port of a JDBC URL such as jdbc:clickhouse:http://127.0.0.1:8123/piam?... */
    static String hostPort(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:[a-z]+:", "");
        if (!rest.contains("://")) {
            rest = "http://" + rest.replaceFirst("^//", "");
        }
        try {
            URI u = URI.create(rest.replaceFirst("\\?.*", ""));
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return rest;
        }
    }

    /** 850 ms, 12 s, 3m 05s, 2h 10m. */
    static String age(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
}
