package com.piam.cdc.it;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Text in any script, quotes, backslashes, a tab and a newline go from MariaDB (utf8mb4 on the
 * local stack too) through the binlog, Kafka and the loader into ClickHouse byte for byte.
 */
class Utf8RoundTripIT extends PipelineITSupport {

    static final String PAYLOAD = "{\"site\":\"Zürich – 東京 🚪\",\"quote\":\"it's \\\"here\\\"\",\"path\":\"C:\\\\door\\\\1\","
            + "\"tab\":\"a\tb\",\"newline\":\"line1\nline2\"}";

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    @Test
    void everyByteArrivesUnchanged() throws Exception {
        String id = "it-utf8-" + UUID.randomUUID().toString().substring(0, 8);
        String hexAtSource;
        try (Connection db = Cloudgate.connect()) {
            try (PreparedStatement ps = db.prepareStatement("INSERT INTO cg_access_event (event_id, tenant_id, event_time, "
                    + "person_id, badge_id, site_id, location_id, direction, result, event_type, deny_reason, pacs_source, "
                    + "pacs_event_id, raw_payload) VALUES (?, 'acme', ?, ?, 'ACM-1', 'acme-hq', 'acme-hq-lobby', 'IN', 'DENY', "
                    + "'ACCESS_DENIED', ?, 'LENEL', 'p-utf8', ?)")) {
                ps.setString(1, id);
                ps.setObject(2, LocalDateTime.now(ZoneOffset.UTC));
                ps.setString(3, "Zoë Ångström");
                ps.setString(4, "Zutritt verweigert – 拒否 ⛔");
                ps.setString(5, PAYLOAD);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = db.prepareStatement("SELECT HEX(raw_payload), HEX(person_id), HEX(deny_reason) "
                    + "FROM cg_access_event WHERE event_id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    hexAtSource = rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3);
                }
            }
        }
        assertThat(hexAtSource).as("MariaDB stored the text as UTF-8").startsWith(hex(PAYLOAD) + "/");
        String where = " FROM piam.fact_access_events WHERE tenant_id = 'acme' AND event_id = '" + id + "'";
        await().atMost(Duration.ofSeconds(30)).until(() -> ClickHouseQuery.count("SELECT count()" + where) == 1);
        assertThat(ClickHouseQuery.text("SELECT concat(hex(raw_payload), '/', hex(assumeNotNull(person_id)), '/', "
                + "hex(assumeNotNull(deny_reason)))" + where).strip()).isEqualTo(hexAtSource);
    }

    private static String hex(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            sb.append(String.format("%02X", b));
        }
        return sb.toString();
    }

    /** As a person would type it: the mariadb command line client (its own connection character set), then ClickHouse. */
    @Test
    void textTypedInTheMariadbClientArrivesUnchanged() throws Exception {
        String id = "it-utf8-cli-" + UUID.randomUUID().toString().substring(0, 8);
        String data = System.getenv().getOrDefault("PIAM_DATA_DIR", ".local");
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + new java.io.File(data, "run/mysql.sock").getAbsolutePath(),
                "-uroot", "cloudgate", "-e", "INSERT INTO cg_access_event (event_id,tenant_id,event_time,badge_id,site_id,location_id,"
                + "direction,result,event_type,pacs_source,pacs_event_id,raw_payload) VALUES ('" + id + "','acme',UTC_TIMESTAMP(3),"
                + "'B1','S1','L1','IN','GRANT','ACCESS','LENEL','p-z','Zürich – 東京 🚪')").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        String where = " FROM piam.fact_access_events WHERE tenant_id = 'acme' AND event_id = '" + id + "'";
        await().atMost(Duration.ofSeconds(30)).until(() -> ClickHouseQuery.count("SELECT count()" + where) == 1);
        assertThat(ClickHouseQuery.text("SELECT hex(raw_payload)" + where).strip()).isEqualTo(hex("Zürich – 東京 🚪"));
    }
}
