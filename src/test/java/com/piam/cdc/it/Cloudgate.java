package com.piam.cdc.it;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** Writes to the local stack's MariaDB as a test: rows the CDC path must carry to ClickHouse. */
final class Cloudgate {

    private Cloudgate() {
    }

    /** As root over the socket: the tests update, delete and alter like the source's owner (no pipeline user may). */
    static Connection connect() throws Exception {
        return StackLogins.mariadbRoot("cloudgate");
    }

    static void insertAccessEvents(Connection c, String idPrefix, int from, int count) throws Exception {
        insertAccessEvents(c, idPrefix, from, count, LocalDateTime.now(ZoneOffset.UTC));
    }

    /** Rows with the given event time (UTC), e.g. in a minute of the past no other test writes. */
    static void insertAccessEvents(Connection c, String idPrefix, int from, int count, LocalDateTime eventTime) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO cg_access_event (event_id, tenant_id, event_time, "
                + "person_id, badge_id, site_id, location_id, direction, result, event_type, pacs_source, pacs_event_id, "
                + "raw_payload, suspicious_flag, suspicious_score) VALUES (?, 'acme', ?, 'acme-p1001', 'ACM-480000', "
                + "'acme-hq', 'acme-hq-lobby', 'IN', 'GRANT', 'ACCESS_GRANTED', 'LENEL', ?, '{}', 0, 0)")) {
            for (int i = from; i < from + count; i++) {
                ps.setString(1, idPrefix + i);
                ps.setObject(2, eventTime);
                ps.setString(3, "OG-" + idPrefix + i);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static int execute(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement()) {
            return st.executeUpdate(sql);
        }
    }

    static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
