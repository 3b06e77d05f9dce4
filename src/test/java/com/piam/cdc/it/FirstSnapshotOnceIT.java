package com.piam.cdc.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first start's snapshot is read once. On a fresh installation whose tables are empty (a fresh `make demo`), the
 * first start's incremental snapshot finishes within a second, between two offset writes, so the offsets never show
 * it running. The runtime must still learn that it finished (Debezium's notification) and keep that with the offsets:
 * a restart must not ask for it again, or it reads the whole table once more (13,693 rows after a few minutes of the
 * demo; on a big table a needless full re-read). Rows written meanwhile without the binlog are the witness: only a
 * snapshot can read them, so after the restart none of them may reach ClickHouse.
 */
class FirstSnapshotOnceIT {

    private final String run = "its" + UUID.randomUUID().toString().substring(0, 6);
    private final List<RuntimeProcess> runtimes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (RuntimeProcess r : runtimes) {
            r.kill();
        }
        try (Connection root = Cloudgate.connect()) {
            Cloudgate.execute(root, "DROP DATABASE IF EXISTS " + run);
        }
    }

    private RuntimeProcess start() throws Exception {
        // the default CAPTURE_SNAPSHOT_MODE (incremental) and offset store (a file), a database and topics of the test's own
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run,
                "MYSQL_DATABASE", run, "EVENT_RATE_PER_SECOND", "5", "FLUSH_INTERVAL_SECONDS", "1"));
        RuntimeProcess r = RuntimeProcess.start(env);
        System.out.printf("runtime %d: pid %d, log %s%n", runtimes.size() + 1, r.process.pid(), r.log);
        runtimes.add(r);
        return r;
    }

    @Test
    void aSnapshotThatFinishedBetweenTwoOffsetWritesIsNotReadAgainAfterARestart() throws Exception {
        String witness = run + "-old-";
        try (Connection root = Cloudgate.connect()) {
            ExistingSource.create(root, run);
            RuntimeProcess first = start();
            // the snapshot of the (empty) tables ends at once; the generator's rows stream on
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    first.log().contains("incremental snapshotting of table '" + run + ".cg_connector_health' finished")
                    && Cloudgate.count(root, "SELECT count(*) FROM " + run + ".cg_access_event") > 20);
            assertThat(first.log()).contains("capture: first start (no offsets stored yet)");
            // rows streamed after it, and a few offset writes (each second) past them
            Cloudgate.execute(root, "USE " + run);
            Cloudgate.insertAccessEvents(root, run + "-before-", 0, 3);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> ClickHouseQuery.count(
                    "SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + run + "-before-%'") == 3);
            Thread.sleep(3_000);
            assertThat(first.stop()).as("graceful stop (SIGTERM)").isIn(0, 143);

            ExistingSource.rowsWithoutBinlog(root, run, witness, 50);
            RuntimeProcess second = start();
            // the restarted capture streams on from its offsets: rows written after the restart arrive
            Cloudgate.insertAccessEvents(root, run + "-after-", 0, 3);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> ClickHouseQuery.count(
                    "SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + run + "-after-%'") == 3);
            Thread.sleep(5_000); // a snapshot asked again at start would have read the 50 rows within this time
            assertThat(second.log()).as("no second snapshot at the restart").doesNotContain("was asked for but never began")
                    .doesNotContain("capture: first start (no offsets stored yet)");
            assertThat(second.snapshotRowsRead()).as("rows the restarted runtime's snapshots read").isZero();
            assertThat(ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + witness + "%'"))
                    .as("rows only a snapshot can read").isZero();
            assertThat(first.log()).as("the first runtime kept the snapshot's end with its offsets")
                    .contains("capture: the first start's snapshot of [" + run + ".cg_access_event, " + run + ".cg_connector_health] has finished");
        }
    }
}
