package com.piam.cdc.it;

import com.piam.cdc.generate.PacsSimulator;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** INGEST_MODE=cdc: the generators write the cloudgate tables in MariaDB. */
class CdcGeneratorsIT extends PipelineITSupport {

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "cdc",
                "EVENT_RATE_PER_SECOND", "50",
                "HEALTH_INTERVAL_SECONDS", "2");
    }

    @Test
    void everyGeneratedRowIsInMariaDb() throws Exception {
        // DATETIME(3) columns hold UTC wall-clock time; allow for clock truncation
        String since = "'" + LocalDateTime.ofInstant(Instant.ofEpochMilli(testStartMs - 1000), ZoneOffset.UTC) + "'";
        // the tenants make it a range of idx_tenant_time: a bare event_time bound scans the whole
        // index, seconds per query once the bench has left millions of rows
        String recentEvents = "FROM cg_access_event WHERE tenant_id IN ('acme', 'buildright') AND event_time >= " + since;
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(mysql("SELECT count(*) " + recentEvents)).isGreaterThan(100);
            assertThat(mysql("SELECT count(DISTINCT connector_id) FROM cg_connector_health WHERE check_time >= " + since))
                    .isEqualTo(4);
        });
        stopGenerators();

        PacsSimulator simulator = bean("pacsSimulator", PacsSimulator.class);
        assertThat(mysql("SELECT count(*) " + recentEvents))
                .isEqualTo(simulator.accessEventsGenerated());
        assertThat(mysql("SELECT count(*) FROM cg_connector_health WHERE check_time >= " + since))
                .isEqualTo(simulator.healthRowsGenerated());
        assertThat(mysql("SELECT count(*) " + recentEvents
                + " AND result = 'DENY' AND deny_reason IS NULL")).isZero();
    }
}
