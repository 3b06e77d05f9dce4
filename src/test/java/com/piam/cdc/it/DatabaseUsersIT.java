package com.piam.cdc.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every database user of the local stack does what its component needs and is refused what it must
 * not do (docs/security.md). ClickHouse 18.16 limits by database and profile; the table-level grants of
 * current ClickHouse are checked by ClickHouseCurrentIT.
 */
class DatabaseUsersIT {

    private static final String PRIVATE_DB = "it_users_private";
    private static final String ID = "it-users-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void aTableOutsidePiam() throws Exception {
        ClickHouseQuery.text("CREATE DATABASE IF NOT EXISTS " + PRIVATE_DB);
        ClickHouseQuery.text("CREATE TABLE IF NOT EXISTS " + PRIVATE_DB + ".admin_notes (note String) ENGINE = Memory");
    }

    @AfterAll
    static void dropIt() throws Exception {
        ClickHouseQuery.text("DROP DATABASE IF EXISTS " + PRIVATE_DB);
    }

    private static String refusal(String user, String sql) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> ClickHouseQuery.as(user, sql));
        assertThat(t).as(user + " must be refused: " + sql).isInstanceOf(IllegalStateException.class);
        return t.getMessage();
    }

    @Test
    void theLoaderInsertsFeedingTheRollupsButCannotDropOrReadOutsidePiam() throws Exception {
        ClickHouseQuery.as("piam_loader", "INSERT INTO piam.fact_access_events (event_id, tenant_id, event_time, badge_id, site_id, "
                + "location_id, direction, result, event_type, pacs_source, pacs_event_id, raw_payload, event_time_ms, source_ts_ms, "
                + "ingest_ts_ms, cdc_op, is_deleted, version) VALUES ('" + ID + "', 'it-users', now(), 'B', '" + ID + "', 'L', 'IN', 'GRANT', "
                + "'ACCESS_GRANTED', 'LENEL', 'p', '{}', 0, 0, 0, 'c', 0, 1)");
        assertThat(ClickHouseQuery.as("piam_loader", "SELECT count() FROM piam.fact_access_events WHERE event_id = '" + ID + "'").strip())
                .isEqualTo("1");
        assertThat(ClickHouseQuery.as("piam_loader", "SELECT count() FROM piam.dim_site").strip()).isNotEqualTo("0");
        // the materialized view ran with the loader's insert
        assertThat(ClickHouseQuery.text("SELECT uniqExactMerge(events) FROM piam.rollup_access_hourly WHERE site_id = '" + ID + "'").strip())
                .isEqualTo("1");

        assertThat(refusal("piam_loader", "DROP TABLE piam.fact_access_events")).contains("Code: 392", "DDL queries are prohibited");
        assertThat(refusal("piam_loader", "ALTER TABLE piam.fact_access_events DELETE WHERE 1")).contains("Code: 392");
        assertThat(refusal("piam_loader", "SELECT * FROM " + PRIVATE_DB + ".admin_notes"))
                .contains("Code: 291", "Access denied to database " + PRIVATE_DB + " for user piam_loader");
    }

    @Test
    void theReaderReadsAndCannotWrite() throws Exception {
        assertThat(ClickHouseQuery.as("piam_reader", "SELECT count() FROM piam.dim_connector").strip()).isEqualTo("4");
        assertThat(refusal("piam_reader", "INSERT INTO piam.dim_tenant VALUES ('x', 'x', 'x', 'UTC')"))
                .contains("Code: 164", "readonly mode");
        assertThat(refusal("piam_reader", "TRUNCATE TABLE piam.fact_access_events")).contains("Code: 164");
    }

    @Test
    void clickHouseHasNoPasswordlessDefaultUser() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + System.getenv().getOrDefault("CLICKHOUSE_PORT", "8123") + "/"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("SELECT 1")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isNotEqualTo(200);
        assertThat(r.body()).contains("Unknown user default");
    }

    private static Connection mysqlAs(String user, String passwordKey) throws SQLException {
        return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + System.getenv().getOrDefault("MYSQL_PORT", "3306")
                + "/cloudgate", user, StackLogins.password(passwordKey));
    }

    private static String mysqlRefusal(Connection c, String sql) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        });
        assertThat(t).as("must be refused: " + sql).isInstanceOf(SQLException.class);
        return t.getMessage();
    }

    @Test
    void theGeneratorInsertsButCannotDelete() throws Exception {
        try (Connection c = mysqlAs("cg_generator", "MYSQL_PASSWORD")) {
            Cloudgate.insertAccessEvents(c, ID + "-gen-", 0, 1);
            assertThat(Cloudgate.count(c, "SELECT count(*) FROM cg_access_event WHERE event_id = '" + ID + "-gen-0'")).isEqualTo(1);
            assertThat(mysqlRefusal(c, "DELETE FROM cg_access_event WHERE event_id = '" + ID + "-gen-0'"))
                    .contains("DELETE command denied to user 'cg_generator'");
        }
    }

    @Test
    void theMonitorReadsTheTablesAndTheBinlogPositionButCannotWrite() throws Exception {
        try (Connection c = mysqlAs("cg_monitor", "MYSQL_MONITOR_PASSWORD"); Statement st = c.createStatement()) {
            assertThat(Cloudgate.count(c, "SELECT count(*) FROM cg_connector_health WHERE 1 = 0")).isZero();
            try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                assertThat(rs.next()).as("binlog position visible").isTrue();
                assertThat(rs.getString(1)).startsWith("mariadb-bin.");
            }
            assertThat(mysqlRefusal(c, "INSERT INTO cg_access_event (event_id) VALUES ('" + ID + "-mon')"))
                    .contains("INSERT command denied to user 'cg_monitor'");
        }
    }

    @Test
    void mariadbRootHasNoTcpLoginOnlyTheSocket() throws Exception {
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:mariadb://127.0.0.1:"
                + System.getenv().getOrDefault("MYSQL_PORT", "3306") + "/", "root", "").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("Access denied for user 'root'");
        try (Connection root = StackLogins.mariadbRoot("mysql")) {
            assertThat(Cloudgate.count(root, "SELECT count(*) FROM mysql.user WHERE user = 'root'")).as("root@localhost only").isEqualTo(1);
        }
    }
}
