package com.piam.cdc.it;

import com.piam.cdc.record.Versions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 21's OutOfMemoryError, made deterministic: one minute of source time whose two sides differ by
 * 300,000 rows of 600,000 (what a minute holds at full speed with a backlog in flight), and a runtime with the heap
 * `make demo` gives it (ops/runtime.jvm, 192 MB) whose reconciliation drills into that window. It used to
 * load every key and hash of the window into HashMaps and ran out of heap; it must name the window with its
 * exact count of missing rows, in bounded memory, and go on working. The rows are written straight into
 * MariaDB (outside the binlog: never captured) and ClickHouse, in a minute two to three hours back, nowhere near
 * the other tests' rows, and deleted afterwards.
 */
class ReconcileMemoryIT {

    /** Source rows in the minute; ClickHouse holds the first half of them. */
    static final int ROWS = 600_000;
    static final int LOADED = ROWS / 2;
    /**
     * Rows per second of the minute. Keys (six digits) and times rise together, as the generator's time-ordered UUIDs
     * do: MariaDB reads the minute through its (tenant, time) index in key order. Keys scattered over the minute cost
     * it a random primary-key lookup each, ~35 s for the 600,000 with the stack's 64 MB buffer pool.
     */
    static final int PER_SECOND = ROWS / 60;

    @Test
    void aWindowOfHundredsOfThousandsOfDifferingRowsIsNamedInBoundedMemory() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String prefix = "it-recmem-" + run + "-";
        // a tenant of its own (TENANTS): reconciliation compares only these rows, not the hours of rows the other tests
        // left in the shared tables (with tenant acme two passes over them took ~55 s each in CI)
        String tenant = TestTenant.copyOfAcme("itrm-" + run);
        long minute = (System.currentTimeMillis() / 1000 - 2 * 3600 - (long) (Math.random() * 3600)) / 60 * 60;
        String window = com.piam.cdc.reconcile.WindowNames.window(minute);
        long t0 = System.currentTimeMillis();
        try (Connection db = Cloudgate.connect()) {
            // not in the binlog: no capture (this test's or a later one's) ever reads these rows
            Cloudgate.execute(db, "SET SESSION sql_log_bin = 0");
            Cloudgate.execute(db, "SET SESSION time_zone = '+00:00'");
            Cloudgate.execute(db, "INSERT INTO cg_access_event (event_id, tenant_id, event_time, person_id, badge_id, site_id, "
                    + "location_id, direction, result, event_type, pacs_source, pacs_event_id, raw_payload, suspicious_flag, "
                    + "suspicious_score) SELECT CONCAT('" + prefix + "', LPAD(seq, 6, '0')), '" + tenant + "', FROM_UNIXTIME(" + minute
                    + " + seq DIV " + PER_SECOND + "), "
                    + "'acme-p1001', 'ACM-480000', 'acme-hq', 'acme-hq-lobby', 'IN', 'GRANT', 'ACCESS_GRANTED', 'LENEL', "
                    + "CONCAT('OG-', seq), '{}', 0, 0 FROM seq_0_to_" + (ROWS - 1));
        }
        ClickHouseQuery.text("INSERT INTO piam.fact_access_events (event_id, tenant_id, event_time, person_id, badge_id, site_id, "
                + "location_id, direction, result, event_type, deny_reason, deny_code, pacs_source, pacs_event_id, raw_payload, "
                + "suspicious_flag, suspicious_reason, suspicious_score, event_time_ms, source_ts_ms, ingest_ts_ms, cdc_op, is_deleted, "
                + "version) SELECT concat('" + prefix + "', substring(toString(1000000 + number), 2)), '" + tenant + "', toDateTime("
                + minute + " + intDiv(number, " + PER_SECOND + ")), "
                + "'acme-p1001', 'ACM-480000', 'acme-hq', 'acme-hq-lobby', 'IN', 'GRANT', 'ACCESS_GRANTED', NULL, NULL, 'LENEL', "
                + "concat('OG-', toString(number)), '{}', 0, NULL, 0, (" + minute + " + intDiv(number, " + PER_SECOND + ")) * 1000, ("
                + minute + " + intDiv(number, " + PER_SECOND + ")) * 1000, " + System.currentTimeMillis() + ", 'c', 0, " + Versions.CDC_MIN + " + number "
                + "FROM system.numbers LIMIT " + LOADED);
        long written = System.currentTimeMillis();
        RuntimeProcess runtime = RuntimeProcess.startAsDemo(Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "1",
                "TENANTS", tenant, "VERIFY_INTERVAL_SECONDS", "2", "RECONCILE_LOOKBACK_MINUTES", "240", "RECONCILE_INTERVAL_SECONDS", "5", "RECONCILE_GRACE_SECONDS", "5"));
        try {
            String expected = "reconcile: window " + window + " (access events): " + (ROWS - LOADED) + " missing, e.g. " + prefix
                    + LOADED;
            AtomicReference<String> last = new AtomicReference<>("");
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                assertThat(runtime.process.isAlive()).as("runtime alive; its log:\n" + tail(runtime.log())).isTrue();
                assertThat(runtime.log()).as("the runtime's log").doesNotContain("OutOfMemoryError");
                last.set(pipeline(runtime));
                return last.get().contains(expected);
            });
            long named = System.currentTimeMillis();
            // still answering and still working after the pass: the next verdict comes, the heap is not exhausted
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> !pipeline(runtime).equals(last.get()));
            System.out.printf("ReconcileMemoryIT: window %s, %d of %d rows missing, named %d s after the runtime started (rows written "
                    + "in %d s); runtime RSS %d MB%n", window, ROWS - LOADED, ROWS, (named - written) / 1000, (written - t0) / 1000, runtime.rssMb());
            assertThat(runtime.log()).doesNotContain("OutOfMemoryError").doesNotContain("Java heap space");
            assertThat(runtime.stop()).as("graceful stop").isIn(0, 143);
        } finally {
            if (runtime.process.isAlive()) {
                runtime.kill();
            }
            TestTenant.drop(tenant);
            // a mutation: ClickHouse rewrites the month's parts in its own time; nothing waits for it
            ClickHouseQuery.text("ALTER TABLE piam.fact_access_events DELETE WHERE event_id LIKE '" + prefix + "%'");
            try (Connection db = Cloudgate.connect()) {
                Cloudgate.execute(db, "SET SESSION sql_log_bin = 0");
                Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'");
            }
        }
    }

    /** The latest verdict as JSON; "" while the management server does not answer (starting, or too busy). */
    private static String pipeline(RuntimeProcess runtime) throws Exception {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + runtime.managementPort
                    + "/observe/pipeline")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String tail(String log) {
        return log.length() <= 4000 ? log : log.substring(log.length() - 4000);
    }
}
