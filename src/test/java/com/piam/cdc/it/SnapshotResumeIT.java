package com.piam.cdc.it;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PipelineSettingsTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.tools.SnapshotCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
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
 * A first start on an existing installation (CAPTURE_SNAPSHOT_MODE=incremental, the default): a source database whose
 * table holds 300,000 rows that were never streamed (written with the binlog off, as if they were there before the
 * pipeline) is read by a snapshot while two runtimes share the pipeline (CAPTURE_LEASE=true). The capturer is killed
 * with kill -9 in the middle: the other takes over and continues the snapshot from its last finished chunk (it reads
 * far fewer rows than the table holds); an insert, an update and a delete during the snapshot each arrive within 10 s;
 * and at the end ClickHouse holds exactly the table's keys, each once, with the table's values.
 */
class SnapshotResumeIT {

    private static final int ROWS = 300_000;
    private static final Pattern HOLDS = Pattern.compile("capture lease: (r\\d) holds it");
    private final String run = "itr" + UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, RuntimeProcess> runtimes = new LinkedHashMap<>();

    @AfterEach
    void stopAll() throws Exception {
        for (RuntimeProcess r : runtimes.values()) {
            r.kill();
        }
        try (Connection root = Cloudgate.connect()) {
            Cloudgate.execute(root, "DROP DATABASE IF EXISTS " + run);
        }
    }

    private RuntimeProcess start(String name) throws Exception {
        // the default CAPTURE_SNAPSHOT_MODE (incremental), a database of the test's own: a first start on existing rows
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "CAPTURE_LEASE", "true", "RUNTIME_NAME", name,
                "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run, "KAFKA_TOPIC_PARTITIONS", "6", "MYSQL_DATABASE", run,
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

    /** Waits (at most 10 s) until ClickHouse shows what a change during the snapshot did; returns the milliseconds. */
    private static long visibleWithin10s(String what, String clickHouseCount, long expected) {
        long at = System.currentTimeMillis();
        await().alias(what + " in ClickHouse within 10 s").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> ClickHouseQuery.count(clickHouseCount) == expected);
        long ms = System.currentTimeMillis() - at;
        System.out.printf("%s during the snapshot: in ClickHouse after %d ms%n", what, ms);
        return ms;
    }

    @Test
    void theFirstStartsSnapshotContinuesInTheSuccessorAfterKillMinus9() throws Exception {
        String prefix = run + "-";
        String mine = " FROM piam.fact_access_events FINAL WHERE event_id LIKE '" + prefix + "%' AND is_deleted = 0";
        try (Connection db = Cloudgate.connect()) {
            long t0 = System.currentTimeMillis();
            ExistingSource.create(db, run);
            ExistingSource.rowsWithoutBinlog(db, run, prefix, ROWS);
            System.out.printf("%,d rows written without the binlog in %d ms%n", ROWS, System.currentTimeMillis() - t0);
            start("r1");
            start("r2");
            // no offsets yet: the capturer asks for the incremental snapshot of the existing rows by itself; while it reads,
            // the verdict is SNAPSHOTTING and the live view's capture box has the table's progress bar
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> capturer() != null
                    && runtimes.get(capturer()).snapshotRowsRead() >= ROWS / 5
                    && new ObjectMapper().readTree(runtimes.get(capturer()).get("/observe/pipeline?refresh=true")).path("status").asText()
                            .equals("SNAPSHOTTING")
                    && runtimes.get(capturer()).get("/live/data").matches("(?s).*\"snapshot\":\\[\\{\"table\":\"cg_access_event\",\"rows\":[1-9].*"));
            String first = capturer();
            RuntimeProcess capturing = runtimes.get(first);
            assertThat(capturing.log()).contains("capture: first start (no offsets stored yet)")
                    .containsPattern("verify-pipeline: SNAPSHOTTING: cg_access_event: [0-9,]+ rows read of about");
            long readByFirst = capturing.snapshotRowsRead();
            long killedAt = System.currentTimeMillis();
            runtimes.remove(first).kill();
            String second = first.equals("r1") ? "r2" : "r1";
            RuntimeProcess successor = runtimes.get(second);
            System.out.printf("%s read %,d rows of the snapshot, killed; %s takes over%n", first, readByFirst, second);

            // changes during the snapshot arrive within 10 s each once the successor captures: an insert, an update and a
            // delete of rows the snapshot has not read yet (keys beginning with 9 come last in the key order it reads)
            await().atMost(Duration.ofSeconds(60)).until(() -> second.equals(capturer()) && successor.snapshotRowsRead() > 0);
            Cloudgate.execute(db, "USE " + run);
            Cloudgate.insertAccessEvents(db, prefix + "fresh-", 0, 1);
            visibleWithin10s("an insert", "SELECT count()" + mine + " AND event_id = '" + prefix + "fresh-0'", 1);
            assertThat(Cloudgate.execute(db, "UPDATE " + run + ".cg_access_event SET site_id = 'moved-site' WHERE event_id = '"
                    + prefix + "99999'")).isEqualTo(1);
            visibleWithin10s("an update", "SELECT count()" + mine + " AND event_id = '" + prefix + "99999' AND site_id = 'moved-site'", 1);
            assertThat(Cloudgate.execute(db, "DELETE FROM " + run + ".cg_access_event WHERE event_id = '" + prefix + "99998'"))
                    .isEqualTo(1);
            visibleWithin10s("a delete", "SELECT count() FROM piam.fact_access_events FINAL WHERE event_id = '" + prefix
                    + "99998' AND is_deleted = 1", 1);

            Set<String> source = new HashSet<>(rowsOf(db, "SELECT CONCAT(event_id, '|', site_id) FROM " + run
                    + ".cg_access_event WHERE event_id LIKE '" + prefix + "%'"));
            assertThat(source).hasSize(ROWS).contains(prefix + "fresh-0|acme-hq", prefix + "99999|moved-site")
                    .doesNotContain(prefix + "99998|acme-hq");
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> successor.log().contains("capture: the first start's snapshot of"
                            + " [" + run + ".cg_access_event, " + run + ".cg_connector_health] has finished"));
            long readBySecond = successor.snapshotRowsRead();
            System.out.printf("the snapshot ended %d s after the kill; %s read %,d rows%n", (System.currentTimeMillis() - killedAt) / 1000,
                    second, readBySecond);
            assertThat(readBySecond).as("the successor continued from the last finished chunk instead of reading all %,d again "
                    + "(%s had read %,d)", ROWS, first, readByFirst).isLessThan(ROWS - readByFirst / 2);
            assertThat(successor.log()).contains("capture: the first start's snapshot of");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= source.size());
            Set<String> converged = new HashSet<>(ClickHouseQuery.column("SELECT concat(event_id, '|', site_id)" + mine));
            assertThat(converged).as("exactly the table's keys, each with the table's value (the update not undone by the snapshot)")
                    .isEqualTo(source);
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).as("each once").isEqualTo(source.size());
            Set<String> keys = new HashSet<>();
            source.forEach(k -> keys.add(k.substring(0, k.indexOf('|'))));
            keys.add(prefix + "99998"); // its delete is a row in ClickHouse too
            assertThat(new HashSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events WHERE event_id LIKE '"
                    + prefix + "%'"))).as("raw rows hold no other key").isEqualTo(keys);
        }
    }

    private static java.util.List<String> rowsOf(Connection db, String sql) throws Exception {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Statement st = db.createStatement(); java.sql.ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
