package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** INGEST_MODE=direct: generators feed the ClickHouse loader without MySQL or Kafka. */
class DirectModeIT extends PipelineITSupport {

    static final int MAX_BATCH = 50;

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "direct",
                "EVENT_RATE_PER_SECOND", "100",
                "MAX_BATCH_EVENTS", String.valueOf(MAX_BATCH),
                "HEALTH_INTERVAL_SECONDS", "3");
    }

    @Test
    void accessEventsAndHealthOfAllFourConnectorsArriveWithinFifteenSecondsInBoundedBatches() throws Exception {
        String mine = " WHERE ingest_ts_ms >= " + testStartMs;
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(clickHouse("SELECT count() FROM piam.fact_access_events" + mine)).isGreaterThan(0);
            assertThat(clickHouse("SELECT uniqExact(connector_id) FROM piam.fact_connector_health" + mine)).isEqualTo(4);
            assertThat(clickHouse("SELECT uniqExact(pacs_source) FROM piam.fact_access_events" + mine)).isEqualTo(4);
        });
        // let a few size-completed batches through (100 events/s fill a 50-row batch twice a second)
        await().atMost(Duration.ofSeconds(10)).until(() ->
                clickHouse("SELECT count() FROM piam.fact_access_events" + mine) >= 4 * MAX_BATCH);

        // every batch carries its own ingest_ts_ms, so ClickHouse shows each batch's size
        String batches = "SELECT count() AS n FROM piam.fact_access_events" + mine + " GROUP BY ingest_ts_ms";
        assertThat(clickHouse("SELECT max(n) FROM (" + batches + ")")).isBetween(1L, (long) MAX_BATCH);
        assertThat(clickHouse("SELECT countIf(n = " + MAX_BATCH + ") FROM (" + batches + ")"))
                .as("batches completed by size").isGreaterThan(0);
        assertThat(clickHouse("SELECT count() FROM piam.fact_access_events" + mine + " AND cdc_op != 'c'")).isZero();
        // loaded rows are exactly the distinct events, no copies
        assertThat(clickHouse("SELECT count() - uniqExact(event_id) FROM piam.fact_access_events" + mine)).isZero();
    }
}
