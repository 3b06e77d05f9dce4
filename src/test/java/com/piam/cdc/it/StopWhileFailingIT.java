package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop (make demo-down) while the loader's inserts keep failing: the batches being
 * retried are abandoned at stop, the batches behind them may be flushed and even fail too, and no
 * Kafka offset may move past a row that is not in ClickHouse. The next start loads every row once.
 */
class StopWhileFailingIT {

    static final Map<String, String> CDC = Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "5",
            "FLUSH_INTERVAL_SECONDS", "1", "CLICKHOUSE_MAX_BACKOFF_SECONDS", "2");

    @Test
    void stopWhileEveryInsertIsRefusedLosesNothing() throws Exception {
        String prefix = "it-stopfail-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RuntimeProcess first = RuntimeProcess.start(CDC);
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.log().contains("Loaded"));
            // the table goes away under the runtime: every insert fails (UNKNOWN_TABLE, not a data problem)
            ClickHouseQuery.text("RENAME TABLE piam.fact_access_events TO piam.fact_access_events_away");
            try {
                for (int i = 0; i < 5; i++) {
                    Cloudgate.insertAccessEvents(db, prefix, i * 40, 40);
                    Thread.sleep(700); // several batches: the first retried, the next ones queued behind it
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> first.log().contains("failed (attempt"));
                Thread.sleep(3000);
                assertThat(first.stop()).as("graceful stop").isIn(0, 130, 143);
            } finally {
                ClickHouseQuery.text("RENAME TABLE piam.fact_access_events_away TO piam.fact_access_events");
            }
        } finally {
            first.kill();
        }
        assertThat(first.log()).contains("abandoned", "Stopped: generated");
        startAndExpectEveryRowOnce(prefix, 200);
    }

    @Test
    void stopWhileClickHouseIsDownLosesNothing() throws Exception {
        String prefix = "it-stopdown-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RuntimeProcess first = RuntimeProcess.start(CDC);
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.log().contains("Loaded"));
            PipelineITSupport.stack("down", "clickhouse");
            try {
                for (int i = 0; i < 5; i++) {
                    Cloudgate.insertAccessEvents(db, prefix, i * 40, 40);
                    Thread.sleep(700);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> first.log().contains("retrying"));
                Thread.sleep(3000);
                assertThat(first.stop()).as("graceful stop").isIn(0, 130, 143);
            } finally {
                PipelineITSupport.stack("up", "clickhouse");
            }
        } finally {
            first.kill();
        }
        assertThat(first.log()).contains("Stopped: generated");
        startAndExpectEveryRowOnce(prefix, 200);
    }

    /** Starts a runtime and compares the prefix's event_ids in MariaDB with ClickHouse's converged and raw rows. */
    private static void startAndExpectEveryRowOnce(String prefix, int rows) throws Exception {
        Set<String> source = new TreeSet<>();
        try (Connection db = Cloudgate.connect(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT event_id FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'")) {
            while (rs.next()) {
                source.add(rs.getString(1));
            }
        }
        assertThat(source).hasSize(rows);
        RuntimeProcess second = RuntimeProcess.start(CDC);
        try {
            String mine = CurrentView.accessEventsWithPrefix(prefix);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= rows);
            Thread.sleep(2000); // replays, if any, land now
            assertThat(new TreeSet<>(ClickHouseQuery.column("SELECT event_id" + mine))).as("converged rows, once each")
                    .isEqualTo(source);
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).isEqualTo(rows);
            assertThat(new TreeSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events WHERE event_id LIKE '"
                    + prefix + "%'"))).as("raw rows: the same keys").isEqualTo(source);
        } finally {
            second.stop();
        }
    }
}
