package com.piam.cdc.it;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PipelineSettingsTest;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.tools.SnapshotCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A table of 300,000 rows that were never streamed (written with the binlog off, as if they were there before the
 * pipeline) is read by a snapshot while two runtimes share the pipeline (CAPTURE_LEASE=true). The capturer is killed
 * with kill -9 in the middle: the other takes over and continues the snapshot from its last finished chunk (it reads
 * far fewer rows than the table holds), a row written during the snapshot arrives within 10 s, and at the end
 * ClickHouse holds exactly the table's keys, each once.
 */
class SnapshotResumeIT {

    private static final int ROWS = 300_000;
    private static final Pattern HOLDS = Pattern.compile("capture lease: (r\\d) holds it");
    private static final Pattern READ = Pattern.compile("piam_capture_snapshot_rows_read\\{table=\"cg_access_event\",?\\} ([0-9.E]+)");
    private final String run = "itr" + UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, RuntimeProcess> runtimes = new LinkedHashMap<>();

    @AfterEach
    void stopAll() throws Exception {
        for (RuntimeProcess r : runtimes.values()) {
            r.kill();
        }
    }

    private RuntimeProcess start(String name) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "CAPTURE_LEASE", "true", "RUNTIME_NAME", name,
                "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run, "KAFKA_TOPIC_PARTITIONS", "6", "CAPTURE_SNAPSHOT_MODE", "no_data",
                "EVENT_RATE_PER_SECOND", "1", "FLUSH_INTERVAL_SECONDS", "1"));
        RuntimeProcess r = RuntimeProcess.start(env);
        System.out.printf("%s: pid %d, log %s%n", name, r.process.pid(), r.log);
        runtimes.put(name, r);
        return r;
    }

    private String capturer() throws Exception {
        String holder = null;
        for (RuntimeProcess r : runtimes.values()) {
            Matcher m = HOLDS.matcher(r.log());
            while (m.find()) {
                holder = m.group(1);
            }
        }
        return holder;
    }

    /** Rows the runtime's snapshots have read (its metric). */
    private static long snapshotRowsRead(RuntimeProcess r) throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.managementPort
                + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = READ.matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static void writeUnstreamed(Connection db, String prefix, int rows) throws Exception {
        LocalDateTime time = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(5);
        try (Statement st = db.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0"); // rows that were there before the pipeline: never in the binlog
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO cg_access_event (event_id, tenant_id, event_time, person_id, "
                + "badge_id, site_id, location_id, direction, result, event_type, pacs_source, pacs_event_id, raw_payload, "
                + "suspicious_flag, suspicious_score) VALUES (?, 'acme', ?, 'acme-p1001', 'ACM-480000', 'acme-hq', 'acme-hq-lobby', "
                + "'IN', 'GRANT', 'ACCESS_GRANTED', 'LENEL', ?, '{}', 0, 0)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, prefix + i);
                ps.setObject(2, time);
                ps.setString(3, "OG-" + i);
                ps.addBatch();
                if (i % 10_000 == 9_999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } finally {
            try (Statement st = db.createStatement()) {
                st.execute("SET SESSION sql_log_bin = 1");
            }
        }
    }

    @Test
    void aSnapshotContinuesInTheSuccessorAfterKillMinus9() throws Exception {
        String prefix = run + "-";
        String mine = " FROM piam.fact_access_events FINAL WHERE event_id LIKE '" + prefix + "%' AND is_deleted = 0";
        try (Connection db = Cloudgate.connect()) {
            long t0 = System.currentTimeMillis();
            writeUnstreamed(db, prefix, ROWS);
            System.out.printf("%,d rows written without the binlog in %d ms%n", ROWS, System.currentTimeMillis() - t0);
            start("r1");
            start("r2");
            // capture streams from where it first connected: a probe row until one arrives
            int[] probes = {0};
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                Cloudgate.insertAccessEvents(db, run + "probe-", probes[0]++, 1);
                return capturer() != null && ClickHouseQuery.count(
                        "SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + run + "probe-%'") > 0;
            });
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).as("not streamed").isZero();

            Map<String, String> settings = PipelineSettingsTest.defaults();
            settings.put("TOPIC_PREFIX", run);
            PipelineSettings.Cdc cdc = PipelineSettings.from(settings::get).cdc();
            SnapshotCommand.request(cdc, List.of(PipelineTable.ACCESS_EVENTS), "event_id LIKE '" + prefix + "%'");

            String first = capturer();
            RuntimeProcess capturing = runtimes.get(first);
            await().atMost(Duration.ofSeconds(60)).until(() -> snapshotRowsRead(capturing) >= ROWS / 3);
            long readByFirst = snapshotRowsRead(capturing);
            long killedAt = System.currentTimeMillis();
            runtimes.remove(first).kill();
            String second = first.equals("r1") ? "r2" : "r1";
            RuntimeProcess successor = runtimes.get(second);
            System.out.printf("%s read %,d rows of the snapshot, killed; %s takes over%n", first, readByFirst, second);

            // a row written during the snapshot arrives within 10 s once the successor captures
            await().atMost(Duration.ofSeconds(60)).until(() -> second.equals(capturer()) && snapshotRowsRead(successor) > 0);
            Cloudgate.insertAccessEvents(db, prefix + "fresh-", 0, 1);
            long writtenAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).until(() -> ClickHouseQuery.count(
                    "SELECT count() FROM piam.fact_access_events WHERE event_id = '" + prefix + "fresh-0'") == 1);
            System.out.printf("a row written during the snapshot was in ClickHouse after %d ms%n", System.currentTimeMillis() - writtenAt);

            Set<String> source = new HashSet<>();
            for (int i = 0; i < ROWS; i++) {
                source.add(prefix + i);
            }
            source.add(prefix + "fresh-0");
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= source.size());
            long readBySecond = snapshotRowsRead(successor);
            System.out.printf("the snapshot ended %d s after the kill; %s read %,d rows%n", (System.currentTimeMillis() - killedAt) / 1000,
                    second, readBySecond);
            assertThat(readBySecond).as("the successor continued from the last finished chunk instead of reading all %,d again "
                    + "(%s had read %,d)", ROWS, first, readByFirst).isLessThan(ROWS - readByFirst / 2);
            Set<String> converged = new HashSet<>(ClickHouseQuery.column("SELECT event_id" + mine));
            assertThat(converged).as("exactly the table's keys").isEqualTo(source);
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).as("each once").isEqualTo(source.size());
            assertThat(new HashSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events WHERE event_id LIKE '"
                    + prefix + "%'"))).as("raw rows hold no other key").isEqualTo(source);
        }
    }
}
