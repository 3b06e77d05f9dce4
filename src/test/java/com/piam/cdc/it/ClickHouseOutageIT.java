package com.piam.cdc.it;

import com.piam.cdc.generate.PacsSimulator;
import com.piam.cdc.load.FactLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ClickHouse stops while events keep coming, then starts again: the loader keeps its batch and
 * retries, the bounded buffer makes the generator wait, and afterwards every event is in
 * ClickHouse exactly once.
 */
class ClickHouseOutageIT extends PipelineITSupport {

    static final int BUFFER = 1000;
    static final int BATCH = 200;
    static final int RATE = 500;

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "direct",
                "EVENT_RATE_PER_SECOND", String.valueOf(RATE),
                "MAX_BATCH_EVENTS", String.valueOf(BATCH),
                "MAX_BUFFERED_ROWS", String.valueOf(BUFFER),
                "CLICKHOUSE_MAX_BACKOFF_SECONDS", "2");
    }

    @AfterEach
    void clickHouseIsBack() throws Exception {
        stack("up", "clickhouse");
    }

    @Test
    void noRowIsLostAndMemoryStaysBoundedWhileClickHouseIsDown() throws Exception {
        PacsSimulator simulator = bean("pacsSimulator", PacsSimulator.class);
        FactLoader loader = bean("factLoader", FactLoader.class);
        await().atMost(Duration.ofSeconds(15)).until(() -> loader.rowsLoaded() > 2 * BATCH);

        stack("down", "clickhouse"); // returns once the server process has exited
        long loadedAtOutage = loader.rowsLoaded();
        Thread.sleep(8_000); // 8 s at 500/s would be 4000 events without back-pressure
        long generatedInOutage = simulator.accessEventsGenerated() - loadedAtOutage;
        stack("up", "clickhouse");

        // not yet loaded = the seda buffer + the aggregator's partial batch + one batch handed over
        // + the batch being retried + the generator tick in hand: bounded, whatever the outage length
        assertThat(generatedInOutage).as("events generated beyond what was loaded while ClickHouse was down")
                .isLessThanOrEqualTo(BUFFER + 3 * BATCH + RATE / 10);

        await().atMost(Duration.ofSeconds(30)).until(() -> loader.rowsLoaded() > loadedAtOutage + BUFFER);
        context.getRouteController().stopRoute("generate-access-events");
        long generated = simulator.accessEventsGenerated();
        await().atMost(Duration.ofSeconds(30)).until(() -> loader.rowsLoaded() >= generated);

        // an insert ClickHouse committed just as it went down ("The target server failed to respond")
        // is retried: its rows are in the table twice, identical (same version), one row each under FINAL
        String mine = " FROM piam.fact_access_events WHERE ingest_ts_ms >= " + testStartMs;
        assertThat(clickHouse("SELECT uniqExact(event_id)" + mine)).isEqualTo(generated);
        assertThat(clickHouse("SELECT count() FROM piam.fact_access_events FINAL WHERE ingest_ts_ms >= " + testStartMs))
                .as("converged rows").isEqualTo(generated);
        assertThat(clickHouse("SELECT count()" + mine)).as("raw rows").isGreaterThanOrEqualTo(generated);
    }
}
