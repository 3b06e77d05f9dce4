package com.piam.cdc.it;

import com.piam.cdc.domain.PipelineTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * A source database of an existing installation, of a test's own: cloudgate's tables, and rows that were there before
 * the pipeline (written with the binlog off, so only a snapshot can read them).
 */
final class ExistingSource {

    private ExistingSource() {
    }

    /** Creates database {@code db} with cloudgate's tables, readable and writable by the pipeline's users as cloudgate. */
    static void create(Connection root, String db) throws Exception {
        Cloudgate.execute(root, "CREATE DATABASE " + db + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        for (PipelineTable t : PipelineTable.values()) {
            Cloudgate.execute(root, "CREATE TABLE " + db + "." + t.source + " LIKE cloudgate." + t.source);
        }
        Cloudgate.execute(root, "GRANT SELECT, INSERT ON " + db + ".* TO 'cg_generator'@'%'");
        Cloudgate.execute(root, "GRANT SELECT ON " + db + ".* TO 'cg_monitor'@'%'");
    }

    /** Access events {@code prefix}0 … {@code prefix}(rows-1) in db.cg_access_event, never in the binlog. */
    static void rowsWithoutBinlog(Connection root, String db, String prefix, int rows) throws Exception {
        LocalDateTime time = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(5);
        try (Statement st = root.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0"); // never in the binlog: only a snapshot can read them
        }
        try (PreparedStatement ps = root.prepareStatement("INSERT INTO " + db + ".cg_access_event (event_id, tenant_id, event_time, "
                + "person_id, badge_id, site_id, location_id, direction, result, event_type, pacs_source, pacs_event_id, raw_payload, "
                + "suspicious_flag, suspicious_score) VALUES (?, 'acme', ?, 'acme-p1001', 'ACM-480000', 'acme-hq', 'acme-hq-lobby', "
                + "'IN', 'GRANT', 'ACCESS_GRANTED', 'LENEL', ?, '{}', 0, 0)")) {
            for (int i = 0; i < rows; i++) {
                ps.setString(1, prefix + i);
                ps.setObject(2, time);
                ps.setString(3, "OG-" + i);
                ps.addBatch();
                if (i % 10_000 == 9_999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        } finally {
            try (Statement st = root.createStatement()) {
                st.execute("SET SESSION sql_log_bin = 1");
            }
        }
    }
}
