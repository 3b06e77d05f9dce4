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
        String mine = " FROM piam.access_events_current WHERE event_id LIKE '" + prefix + "%'";
        RuntimeProcess first = RuntimeProcess.start(CDC);
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.log().contains("Loaded"));
            for (int i = 0; i < 10; i++) {
                Cloudgate.insertAccessEvents(db, prefix, i * 50, 50);
                Thread.sleep(150);
            }
            first.kill(); // mid-flow: some rows captured, some in Kafka, some loaded
            for (int i = 10; i < 20; i++) {
                Cloudgate.insertAccessEvents(db, prefix, i * 50, 50); // the runtime is down
            }
            assertThat(Cloudgate.count(db, "SELECT count(*) FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'"))
                    .isEqualTo(1000);
        }
        RuntimeProcess second = RuntimeProcess.start(CDC);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= 1000);
            Thread.sleep(3000); // replays, if any, land now
            assertThat(ClickHouseQuery.count("SELECT count()" + mine)).isEqualTo(1000);
            assertThat(ClickHouseQuery.count("SELECT uniqExact(event_id) FROM piam.fact_access_events WHERE event_id LIKE '"
                    + prefix + "%'")).isEqualTo(1000);
        } finally {
            second.stop();
        }
        assertThat(second.log()).contains("Stopped: generated");
    }
}
