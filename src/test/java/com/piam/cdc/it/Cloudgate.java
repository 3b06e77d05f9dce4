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

    /**
     * Writes {@code count} access events {@code prefix}0… and waits (60 s at most) until ClickHouse holds as many rows of
     * them; returns MariaDB's key set of them and ClickHouse's (raw rows: each key once means loaded once).
     */
    static java.util.List<java.util.Set<String>> writeAndLoad(Connection db, String prefix, int count) throws Exception {
        insertAccessEvents(db, prefix, 0, count);
        String mine = " FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'";
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofSeconds(1))
                .until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= count);
        java.util.Set<String> source = new java.util.HashSet<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT event_id FROM cg_access_event WHERE event_id LIKE '"
                + prefix + "%'")) {
            while (rs.next()) {
                source.add(rs.getString(1));
            }
        }
        java.util.List<String> loaded = ClickHouseQuery.column("SELECT event_id" + mine);
        if (loaded.size() != new java.util.HashSet<>(loaded).size()) {
            throw new AssertionError("a key of " + prefix + " loaded twice: " + loaded.size() + " rows, " + new java.util.HashSet<>(loaded).size()
                    + " keys");
        }
        return java.util.List.of(source, new java.util.HashSet<>(loaded));
    }
}
