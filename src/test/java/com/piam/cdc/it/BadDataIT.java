package com.piam.cdc.it;

import com.piam.cdc.record.RecordFormat;
import com.piam.cdc.tools.VerifyReport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reproduction: a row at the source that ClickHouse cannot hold (event_time in 1965)
 * amid the generator's traffic. Before, it stopped the table for good and a stop/start lost the
 * rows queued behind it. Now: the other rows keep loading, the row is on the dead-letter topic with
 * its reason, the verifier is DEGRADED naming it (make demo-verify exits 1), and after a graceful
 * stop and a start every other MariaDB event_id is in ClickHouse exactly once.
 */
class BadDataIT {

    static final Map<String, String> CDC = Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "20",
            "FLUSH_INTERVAL_SECONDS", "1");
    static final String TOPIC = "cg.cloudgate.cg_access_event";

    @Test
    void aRowClickHouseCannotHoldIsSetAsideAndNothingElseIsLost() throws Exception {
        String prefix = "it-bad-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String badId = prefix + "bad-1965";
        long windowStart = System.currentTimeMillis();
        RuntimeProcess first = RuntimeProcess.start(CDC);
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.log().contains("Loaded"));
            Cloudgate.insertAccessEvents(db, prefix, 0, 50);
            Cloudgate.execute(db, "INSERT INTO cg_access_event (event_id,tenant_id,event_time,badge_id,site_id,location_id,"
                    + "direction,result,event_type,pacs_source,pacs_event_id,raw_payload) VALUES ('" + badId + "','acme',"
                    + "'1965-03-01 10:00:00','B1','S1','L1','IN','GRANT','ACCESS','LENEL','p-1965','{}')");
            Cloudgate.insertAccessEvents(db, prefix, 50, 50);

            // the rows after it keep flowing
            String mine = CurrentView.accessEventsWithPrefix(prefix);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) == 100);
            assertThat(ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE event_id = '" + badId + "'"))
                    .as("the 1965 row is not in ClickHouse under another time").isZero();

            ConsumerRecord<String, byte[]> letter = DeadLetterTopic.find(TOPIC + ".dlq", k -> k.contains(badId), Duration.ofSeconds(20));
            assertThat(letter).as("the 1965 row on the dead-letter topic").isNotNull();
            assertThat(new String(letter.value(), StandardCharsets.UTF_8)).contains(badId);
            assertThat(DeadLetterTopic.header(letter, RecordFormat.DLQ_REASON_HEADER))
                    .contains("event_id=" + badId, "event_time 1965-03-01T10:00:00Z is before 1970", "ClickHouse DateTime");
            assertThat(DeadLetterTopic.header(letter, RecordFormat.DLQ_STAGE_HEADER)).isEqualTo("load");
            assertThat(DeadLetterTopic.header(letter, RecordFormat.DLQ_SOURCE_HEADER)).matches(java.util.regex.Pattern.quote(TOPIC) + "/\\d+/\\d+"); // topic/partition/offset

            // the verifier names it, and make demo-verify exits 1
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = VerifyReport.run("http://127.0.0.1:" + first.managementPort + "/observe/pipeline",
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String report = out.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(report).isEqualTo(1);
            assertThat(report).contains("DEGRADED", "set aside in the last 10 minutes", "event_time 1965-03-01T10:00:00Z is before 1970");

            // a graceful stop (make demo-down) and a start, with rows written while it is down
            assertThat(first.stop()).as("graceful stop exit code").isIn(0, 130, 143);
            Cloudgate.insertAccessEvents(db, prefix, 100, 50);
        }
        RuntimeProcess second = RuntimeProcess.start(CDC);
        try {
            String mine = CurrentView.accessEventsWithPrefix(prefix);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= 150);
            long windowEnd = System.currentTimeMillis() - 5_000; // rows generated before this are loaded by now
            Set<String> source = mysqlIds(windowStart, windowEnd);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> clickHouseIds(source, true).size() >= source.size());
            assertThat(source).as("test rows and generated rows in the window").hasSizeGreaterThan(150).doesNotContain(badId);
            Set<String> converged = clickHouseIds(source, true);
            assertThat(new TreeSet<>(converged)).as("converged rows: every MariaDB event_id, nothing else")
                    .isEqualTo(new TreeSet<>(source));
            List<String> convergedRows = ClickHouseQuery.column("SELECT event_id FROM piam.fact_access_events FINAL WHERE "
                    + inKeys(source) + " AND is_deleted = 0");
            assertThat(convergedRows).as("exactly once under FINAL").hasSameSizeAs(source);
            assertThat(clickHouseIds(source, false)).as("raw rows hold the same keys").isEqualTo(converged);

            // the restarted runtime still names the row set aside before its start (from the dead-letter topic)
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int exit = VerifyReport.run("http://127.0.0.1:" + second.managementPort + "/observe/pipeline",
                    new PrintStream(out, true, StandardCharsets.UTF_8));
            String report = out.toString(StandardCharsets.UTF_8);
            assertThat(exit).as(report).isEqualTo(1);
            assertThat(report).contains("set aside in the last 10 minutes",
                    "event_id=" + badId + ": event_time 1965-03-01T10:00:00Z is before 1970");
        } finally {
            second.stop();
        }
    }

    /** event_ids MariaDB holds with an event_time in [from, to) (idx_tenant_time ranges). */
    static Set<String> mysqlIds(long fromMs, long toMs) throws Exception {
        Set<String> ids = new HashSet<>();
        try (Connection db = Cloudgate.connect(); PreparedStatement ps = db.prepareStatement(
                "SELECT event_id FROM cg_access_event WHERE tenant_id IN ('acme','buildright') AND event_time >= ? AND event_time < ?")) {
            // DATETIME(3) holds UTC wall-clock time
            ps.setObject(1, LocalDateTime.ofInstant(Instant.ofEpochMilli(fromMs), ZoneOffset.UTC));
            ps.setObject(2, LocalDateTime.ofInstant(Instant.ofEpochMilli(toMs), ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Which of these keys ClickHouse holds: converged (FINAL, not deleted) or as raw rows. */
    static Set<String> clickHouseIds(Set<String> keys, boolean converged) throws Exception {
        return new HashSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events"
                + (converged ? " FINAL" : "") + " WHERE " + inKeys(keys) + (converged ? " AND is_deleted = 0" : "")));
    }

    /** A primary-key condition for a set of event_ids (tenant_id first, as the table's key). */
    static String inKeys(Set<String> keys) {
        return "tenant_id IN ('acme','buildright') AND event_id IN ("
                + keys.stream().map(k -> "'" + k.replace("'", "") + "'").collect(Collectors.joining(",")) + ")";
    }
}
