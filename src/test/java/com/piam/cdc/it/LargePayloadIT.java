package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rows with a 64 KB raw_payload (the TEXT column's limit) written as fast as MariaDB takes them,
 * through the runtime with the heap `make demo` gives it (ops/runtime.jvm, 192 MB): buffers are
 * bounded by bytes (MAX_BUFFERED_MB, Debezium's queue, Kafka fetches), so no OutOfMemoryError and
 * every row arrives. Prints the runtime's RSS.
 */
class LargePayloadIT {

    static final int ROWS = 2000;
    static final int PAYLOAD_BYTES = 64_000;
    static final String TENANT = "it-large";

    @Test
    void sixtyFourKilobytePayloadsAtFullSpeedFitTheHeap() throws Exception {
        String prefix = "it-large-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        RuntimeProcess runtime = RuntimeProcess.startAsDemo(Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "1"));
        AtomicLong maxRss = new AtomicLong();
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> runtime.log().contains("Loaded"));
            String payload = "{\"blob\":\"" + "x".repeat(PAYLOAD_BYTES - 11) + "\"}";
            long start = System.currentTimeMillis();
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO cg_access_event (event_id, tenant_id, event_time, "
                    + "badge_id, site_id, location_id, direction, result, event_type, pacs_source, pacs_event_id, raw_payload) "
                    + "VALUES (?, '" + TENANT + "', ?, 'ACM-1', 'acme-hq', 'acme-hq-lobby', 'IN', 'GRANT', 'ACCESS_GRANTED', 'LENEL', ?, ?)")) {
                for (int i = 0; i < ROWS; i++) {
                    ps.setString(1, prefix + i);
                    ps.setObject(2, LocalDateTime.now(ZoneOffset.UTC));
                    ps.setString(3, "p-" + i);
                    ps.setString(4, payload);
                    ps.addBatch();
                    if (i % 20 == 19) {
                        ps.executeBatch();
                        maxRss.accumulateAndGet(runtime.rssMb(), Math::max);
                    }
                }
            }
            long wroteMs = System.currentTimeMillis() - start;
            // converged rows by key, without reading raw_payload: on ClickHouse 18.16 a granule is 8,192 rows, so
            // any read of this column near these rows allocates 8,192 x 64 KB (more than the server's 1 GB limit
            // once a few runs have left their rows); their own tenant keeps them out of the other tests' key ranges
            String mine = " FROM (SELECT event_id FROM piam.fact_access_events WHERE tenant_id = '" + TENANT + "' AND event_id LIKE '"
                    + prefix + "%' GROUP BY event_id HAVING argMax(is_deleted, version) = 0)";
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                maxRss.accumulateAndGet(runtime.rssMb(), Math::max);
                return ClickHouseQuery.count("SELECT count()" + mine) >= ROWS;
            });
            long tookMs = System.currentTimeMillis() - start;
            System.out.printf("LargePayloadIT: %d rows of %d bytes written in %d ms, all in ClickHouse after %d ms (%.0f rows/s); "
                    + "runtime RSS max %d MB%n", ROWS, PAYLOAD_BYTES, wroteMs, tookMs, ROWS * 1000.0 / tookMs, maxRss.get());
            Set<String> source = new TreeSet<>();
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT event_id FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'")) {
                while (rs.next()) {
                    source.add(rs.getString(1));
                }
            }
            assertThat(new TreeSet<>(ClickHouseQuery.column("SELECT event_id" + mine))).isEqualTo(source).hasSize(ROWS);
            assertThat(ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE tenant_id = '" + TENANT
                    + "' AND event_id LIKE '" + prefix + "%'")).as("raw rows: replays only").isGreaterThanOrEqualTo(ROWS);
            assertThat(runtime.log()).doesNotContain("OutOfMemoryError").doesNotContain("Java heap space");
            assertThat(runtime.process.isAlive()).isTrue();
        } finally {
            runtime.stop();
        }
    }
}
