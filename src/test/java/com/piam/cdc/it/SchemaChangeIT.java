package com.piam.cdc.it;

import com.piam.cdc.consume.SourceColumns;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The source table changes while the pipeline runs: a new column flows on (and is logged once as
 * unmapped), a dropped optional column loads as null, a renamed required column is named by the
 * verifier while its records are set aside, and restoring it lets the flow resume. The table is
 * put back as the init SQL made it, whatever happens.
 */
class SchemaChangeIT extends PipelineITSupport {

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators(); // the generator writes every mapped column by name; this test removes some
    }

    private static void insert(Connection db, String id, String badgeColumn) throws Exception {
        Cloudgate.execute(db, "INSERT INTO cg_access_event (event_id, tenant_id, event_time, " + badgeColumn + ", site_id, "
                + "location_id, direction, result, event_type, pacs_source, pacs_event_id, raw_payload) VALUES ('" + id
                + "', 'acme', UTC_TIMESTAMP(3), 'ACM-7', 'acme-hq', 'acme-hq-lobby', 'IN', 'GRANT', 'ACCESS_GRANTED', 'LENEL', 'p', '{}')");
    }

    private long loaded(String id) throws Exception {
        return ClickHouseQuery.count("SELECT count()" + CurrentView.accessEvents("tenant_id = 'acme' AND event_id = '" + id + "'"));
    }

    @Test
    void columnsAddedDroppedAndRenamedAtTheSource() throws Exception {
        String p = "it-schema-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        SourceColumns columns = bean("sourceColumns-cg_access_event", SourceColumns.class);
        PipelineVerifier verifier = bean("pipelineVerifier", PipelineVerifier.class);
        try (Connection db = Cloudgate.connect()) {
            try {
                insert(db, p + "before", "badge_id");
                await().atMost(Duration.ofSeconds(30)).until(() -> loaded(p + "before") == 1);
                int logged = columns.changes();

                Cloudgate.execute(db, "ALTER TABLE cg_access_event ADD COLUMN door_note VARCHAR(50) NULL");
                insert(db, p + "added-1", "badge_id");
                insert(db, p + "added-2", "badge_id");
                await().atMost(Duration.ofSeconds(30)).until(() -> loaded(p + "added-2") == 1);
                assertThat(loaded(p + "added-1")).isEqualTo(1);
                assertThat(columns.unused()).contains("door_note", "processed_at");
                assertThat(columns.changes()).as("the new column logged once, not per record").isEqualTo(logged + 1);

                // kept aside, so that restore() can give the column its values back (reconciliation compares them)
                Cloudgate.execute(db, "DROP TABLE IF EXISTS it_saved_deny_code");
                Cloudgate.execute(db, "CREATE TABLE it_saved_deny_code (event_id VARCHAR(36) PRIMARY KEY, deny_code VARCHAR(50)) "
                        + "AS SELECT event_id, deny_code FROM cg_access_event WHERE deny_code IS NOT NULL");
                Cloudgate.execute(db, "ALTER TABLE cg_access_event DROP COLUMN door_note, DROP COLUMN deny_code");
                insert(db, p + "dropped", "badge_id");
                await().atMost(Duration.ofSeconds(30)).until(() -> loaded(p + "dropped") == 1);
                assertThat(ClickHouseQuery.count("SELECT count()" + CurrentView.accessEvents("tenant_id = 'acme' AND event_id = '" + p
                        + "dropped' AND deny_code IS NULL"))).as("a dropped optional column loads as null").isEqualTo(1);
                assertThat(columns.missingOptional()).containsExactly("deny_code");
                assertThat(verifier.verify().stages().stream().filter(s -> s.stage().equals("rejected")).findFirst().orElseThrow()
                        .facts().get("missing_columns cg_access_event").toString()).startsWith("deny_code (loaded as null");

                Cloudgate.execute(db, "ALTER TABLE cg_access_event CHANGE COLUMN badge_id badge_ref VARCHAR(50) NOT NULL");
                insert(db, p + "renamed", "badge_ref");
                await().atMost(Duration.ofSeconds(30)).until(() -> !columns.missingRequired().isEmpty());
                PipelineStatus status = verifier.verify();
                assertThat(status.overall()).isEqualTo(PipelineStatus.Overall.DEGRADED);
                assertThat(status.reasons()).contains("cg_access_event has no column badge_id since", "its records are set aside",
                        "badge_id is missing");
                await().atMost(Duration.ofSeconds(20)).until(() -> DeadLetterTopic.find("cg.cloudgate.cg_access_event.dlq",
                        k -> k.contains(p + "renamed"), Duration.ofSeconds(5)) != null);
                assertThat(loaded(p + "renamed")).isZero();
            } finally {
                restore(db);
            }
            insert(db, p + "restored", "badge_id");
            await().atMost(Duration.ofSeconds(30)).until(() -> loaded(p + "restored") == 1);
            assertThat(columns.missingRequired()).isEmpty();
            assertThat(columns.missingOptional()).isEmpty();
            assertThat(verifier.verify().reasons()).doesNotContain("has no column");
        }
    }

    /** Back to ops/mysql-init/01_schema.sql's definition, whichever steps ran. */
    private static void restore(Connection db) throws Exception {
        if (Cloudgate.count(db, "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'cloudgate' "
                + "AND TABLE_NAME = 'cg_access_event' AND COLUMN_NAME = 'badge_ref'") == 1) {
            Cloudgate.execute(db, "ALTER TABLE cg_access_event CHANGE COLUMN badge_ref badge_id VARCHAR(50) NOT NULL");
        }
        if (Cloudgate.count(db, "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'cloudgate' "
                + "AND TABLE_NAME = 'cg_access_event' AND COLUMN_NAME = 'deny_code'") == 0) {
            Cloudgate.execute(db, "ALTER TABLE cg_access_event ADD COLUMN deny_code VARCHAR(50) AFTER deny_reason");
        }
        if (Cloudgate.count(db, "SELECT count(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'cloudgate' "
                + "AND TABLE_NAME = 'it_saved_deny_code'") == 1) {
            // the values the drop took, put back outside the binlog: ClickHouse still holds them, so the
            // source is as it was before the test and nothing new is captured
            Cloudgate.execute(db, "SET SESSION sql_log_bin = 0");
            Cloudgate.execute(db, "UPDATE cg_access_event a JOIN it_saved_deny_code s USING (event_id) SET a.deny_code = s.deny_code");
            Cloudgate.execute(db, "DROP TABLE it_saved_deny_code");
            Cloudgate.execute(db, "SET SESSION sql_log_bin = 1");
        }
        if (Cloudgate.count(db, "SELECT count(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'cloudgate' "
                + "AND TABLE_NAME = 'cg_access_event' AND COLUMN_NAME = 'door_note'") == 1) {
            Cloudgate.execute(db, "ALTER TABLE cg_access_event DROP COLUMN door_note");
        }
    }
}
