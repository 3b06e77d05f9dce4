package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole runtime dies (SIGKILL) while rows keep arriving in MariaDB, then starts again: every
 * row is in ClickHouse exactly once in the converged view, none missing.
 */
class CdcRestartIT {

    static final Map<String, String> CDC = Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "20",
            "FLUSH_INTERVAL_SECONDS", "1");

    @Test
    void crashAndRestartLosesNothingAndShowsNoDuplicates() throws Exception {
        String prefix = "it-restart-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String mine = CurrentView.accessEventsWithPrefix(prefix);
        String raw = "SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'";
        RuntimeProcess first = RuntimeProcess.start(CDC);
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.log().contains("Loaded"));
            // one 20,000-row transaction spans hundreds of binlog events; kill while it streams
            db.setAutoCommit(false);
            Cloudgate.insertAccessEvents(db, prefix, 0, 20_000);
            db.commit();
            db.setAutoCommit(true);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> ClickHouseQuery.count(raw) > 0);
            first.kill(); // mid-transaction: some rows captured, some in Kafka, some loaded
            for (int i = 0; i < 10; i++) {
                Cloudgate.insertAccessEvents(db, prefix, 20_000 + i * 100, 100); // the runtime is down
            }
            assertThat(Cloudgate.count(db, "SELECT count(*) FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'"))
                    .isEqualTo(21_000);
        }
        long beforeRestart = ClickHouseQuery.count(raw);
        assertThat(beforeRestart).as("rows loaded before the kill").isLessThan(21_000);
        RuntimeProcess second = RuntimeProcess.start(CDC);
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= 21_000);
            Thread.sleep(3000); // replays, if any, land now
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).isEqualTo(21_000);
            assertThat(ClickHouseQuery.count("SELECT uniqExact(event_id) FROM piam.fact_access_events WHERE event_id LIKE '"
                    + prefix + "%'")).isEqualTo(21_000);
        } finally {
            second.stop();
        }
        assertThat(second.log()).contains("Stopped: generated");
    }

    /**
     * Rows captured and consumed but not yet in ClickHouse (it is down) when the runtime dies: their
     * Kafka offsets must not have been committed, so the next runtime loads them.
     */
    @Test
    void killWithRowsWaitingForClickHouseLosesNothing() throws Exception {
        String prefix = "it-waiting-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RuntimeProcess first = RuntimeProcess.start(CDC);
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.log().contains("Loaded"));
            PipelineITSupport.stack("down", "clickhouse");
            for (int i = 0; i < 10; i++) {
                Cloudgate.insertAccessEvents(db, prefix, i * 100, 100);
            }
            // captured, in Kafka, consumed into the loader's buffer; the loader retries ClickHouse
            await().atMost(Duration.ofSeconds(30)).until(() -> first.log().contains("retrying"));
            Thread.sleep(5000);
        } finally {
            first.kill();
            PipelineITSupport.stack("up", "clickhouse");
        }
        RuntimeProcess second = RuntimeProcess.start(CDC);
        try {
            String mine = CurrentView.accessEventsWithPrefix(prefix);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= 1000);
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).isEqualTo(1000);
            assertThat(ClickHouseQuery.count("SELECT uniqExact(event_id) FROM piam.fact_access_events WHERE event_id LIKE '"
                    + prefix + "%'")).isEqualTo(1000);
        } finally {
            second.stop();
        }
    }
}
