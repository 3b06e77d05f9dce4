package com.piam.cdc.it;

import com.piam.cdc.Pools;
import com.piam.cdc.config.Login;
import com.piam.cdc.reconcile.Reconciler;
import com.piam.cdc.tools.ReconcileCommand;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import com.piam.cdc.verify.StageStatus;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reconcile stage compares MySQL with ClickHouse's converged rows minute by minute: rows still in
 * Kafka when a pass runs are not reported once they arrive within the grace; rows deleted and a value
 * changed in ClickHouse by hand turn it DEGRADED naming the window, and make reconcile's comparison
 * names the missing and different keys with the differing column. The test writes into a minute two to
 * three days back, which no other test writes.
 */
class ReconcileIT extends PipelineITSupport {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd ");
    private static final DateTimeFormatter HM = DateTimeFormatter.ofPattern("HH:mm");

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1", "RECONCILE_INTERVAL_SECONDS", "2",
                "RECONCILE_GRACE_SECONDS", "8", "RECONCILE_LOOKBACK_MINUTES", "4320");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    private StageStatus reconcile() {
        PipelineStatus s = bean("pipelineVerifier", PipelineVerifier.class).verify();
        return s.stages().stream().filter(x -> x.stage().equals("reconcile")).findFirst().orElseThrow();
    }

    private static String label(LocalDateTime minute) {
        return DAY.format(minute) + HM.format(minute) + "-" + HM.format(minute.plusMinutes(1));
    }

    /** A whole minute 2 to 3 days ago. */
    private static LocalDateTime pastMinute() {
        long minutes = LocalDateTime.now(ZoneOffset.UTC).toEpochSecond(ZoneOffset.UTC) / 60 - 2 * 1440
                - ThreadLocalRandom.current().nextInt(1440);
        return LocalDateTime.ofEpochSecond(minutes * 60, 0, ZoneOffset.UTC);
    }

    @Test
    void inFlightRowsHealAndRowsLostOrChangedInClickHouseAreNamed() throws Exception {
        String prefix = "it-recon-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        LocalDateTime minute = pastMinute();
        LocalDateTime later = minute.plusMinutes(7);
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, prefix, 0, 20, minute.plusSeconds(7));
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)) == 20);
        // a pass compares the whole lookback (3 days here): seconds on a fresh stack, ~40 s on one that ran the suite
        // many times (800,000 source rows); the waits for a pass allow for that
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> reconcile().facts().containsKey("windows"));

        // in flight: the loader stopped, rows wait in Kafka for a few passes, then arrive within the grace
        context.getRouteController().stopRoute("load-access-events");
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, prefix + "late-", 0, 5, later.plusSeconds(3));
        }
        long until = System.currentTimeMillis() + 4_000;
        while (System.currentTimeMillis() < until) {
            assertThat(reconcile().reasons()).noneMatch(r -> r.contains(label(later)));
            Thread.sleep(1_000);
        }
        context.getRouteController().startRoute("load-access-events");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix + "late-")) == 5);
        until = System.currentTimeMillis() + 12_000; // past the grace: the healed window is never named
        while (System.currentTimeMillis() < until) {
            assertThat(reconcile().reasons()).noneMatch(r -> r.contains(label(later)) || r.contains(label(minute)));
            Thread.sleep(2_000);
        }

        // lost and changed in ClickHouse by hand: newer versions written over them (a delete, a changed column),
        // which the converged rows follow at once (a mutation on 18.16 takes its time rewriting the month's parts)
        long m = minute.toEpochSecond(ZoneOffset.UTC);
        newerVersion(m, prefix + "3', '" + prefix + "11", "is_deleted", "toUInt8(1)");
        newerVersion(m, prefix + "5", "deny_reason", "'tampered'");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() ->
                clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)) == 23
                        && ClickHouseQuery.count("SELECT count()" + CurrentView.accessEvents("deny_reason = 'tampered' AND event_id = '"
                        + prefix + "5'")) == 1);
        String expected = "reconcile: window " + label(minute) + " (access events): 2 missing, 1 different, e.g. " + prefix + "11";
        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1))
                .until(() -> reconcile().reasons().stream().anyMatch(r -> r.startsWith(expected)));

        // make reconcile's comparison of that minute names the keys and the column
        long from = minute.toEpochSecond(ZoneOffset.UTC);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit;
        try (HikariDataSource mysql = Pools.create("it-recon-mysql", "jdbc:mariadb://127.0.0.1:"
                + System.getenv().getOrDefault("MYSQL_PORT", "3306") + "/cloudgate",
                new Login("cg_monitor", StackLogins.password("MYSQL_MONITOR_PASSWORD")), 1);
             HikariDataSource ch = Pools.create("it-recon-ch", ClickHousePoolsIT.URL,
                     new Login("piam_reader", StackLogins.password("CLICKHOUSE_READER_PASSWORD")), 1)) {
            exit = ReconcileCommand.run(new Reconciler(mysql, ch, "piam", List.of("acme", "buildright"), 60, t -> java.util.Map.of()), from, from + 60,
                    new PrintStream(out, true, StandardCharsets.UTF_8));
        }
        String report = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(report).isEqualTo(1);
        assertThat(report).contains("source     20  clickhouse     18  DIFFERENT: 2 missing, 0 extra, 1 different",
                "missing   " + prefix + "11", "missing   " + prefix + "3", "different " + prefix + "5  (deny_reason: <null> -> tampered)",
                "NOT in sync");
    }

    /**
     * Writes each key's newest row (event time in the minute from {@code fromSec}) again with {@code column} set to
     * {@code value} and a higher version (INSERT … SELECT; PREWHERE on tenant and time, not FINAL over the table).
     */
    private static void newerVersion(long fromSec, String keys, String column, String value) throws Exception {
        List<String> columns = ClickHouseQuery.column(
                "SELECT name FROM system.columns WHERE database = 'piam' AND table = 'fact_access_events'");
        String select = columns.stream().map(c -> c.equals(column) ? value : c.equals("version") ? "version + 1000" : c)
                .collect(java.util.stream.Collectors.joining(", "));
        ClickHouseQuery.text("INSERT INTO piam.fact_access_events (" + String.join(", ", columns) + ") SELECT " + select
                + " FROM piam.fact_access_events PREWHERE tenant_id = 'acme' AND event_time >= toDateTime(" + fromSec
                + ") AND event_time < toDateTime(" + (fromSec + 60) + ") WHERE event_id IN ('" + keys + "')"
                + " ORDER BY version DESC LIMIT 1 BY event_id");
    }
}
