package com.piam.cdc.it;

import com.piam.cdc.Pools;
import com.piam.cdc.config.Login;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.tools.TraceCommand;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** make trace on a loaded row, a row deleted at the source, a row set aside, an id that never existed, and a health row. */
class TraceIT extends PipelineITSupport {

    private static HikariDataSource mysql;
    private static HikariDataSource clickHouse;

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeAll
    static void pools() {
        mysql = Pools.create("it-trace-mysql", "jdbc:mariadb://127.0.0.1:" + System.getenv().getOrDefault("MYSQL_PORT", "3306")
                + "/cloudgate", new Login("cg_monitor", StackLogins.password("MYSQL_MONITOR_PASSWORD")), 1);
        clickHouse = Pools.create("it-trace-ch", ClickHousePoolsIT.URL, new Login("piam_reader", StackLogins.password("CLICKHOUSE_READER_PASSWORD")), 1);
    }

    @AfterAll
    static void close() {
        mysql.close();
        clickHouse.close();
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    private Map.Entry<Integer, String> trace(boolean health, String id) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = TraceCommand.run(bean("pipelineSettings", PipelineSettings.class), mysql, clickHouse, health, id,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        return Map.entry(exit, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void eachRowsWayIsShown() throws Exception {
        String p = "it-trace-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        long healthId;
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, p + "kept-", 0, 1);
            Cloudgate.insertAccessEvents(db, p + "gone-", 0, 1);
            Cloudgate.execute(db, "INSERT INTO cg_access_event (event_id,tenant_id,event_time,badge_id,site_id,location_id,direction,"
                    + "result,event_type,pacs_source,pacs_event_id,raw_payload) VALUES ('" + p + "1965','acme','1965-03-01 10:00:00','B1',"
                    + "'S1','L1','IN','GRANT','ACCESS','LENEL','p-1965','{}')");
            Cloudgate.execute(db, "INSERT INTO cg_connector_health (tenant_id, connector_id, connector_name, pacs_type, check_time, status,"
                    + " latency_ms, events_per_minute) VALUES ('acme', 'lenel-primary', 'Lenel Primary', 'LENEL', UTC_TIMESTAMP(3), 'OK', 12, 1.5)");
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT LAST_INSERT_ID()")) {
                rs.next();
                healthId = rs.getLong(1);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                    clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(p + "gone-")) == 1);
            Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id = '" + p + "gone-0'");
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(p + "gone-")) == 0
                        && clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(p + "kept-")) == 1
                        && DeadLetterTopic.find("cg.cloudgate.cg_access_event.dlq", k -> k.contains(p + "1965"), Duration.ofSeconds(3)) != null
                        && clickHouse("SELECT count() FROM piam.fact_connector_health WHERE source_id = " + healthId) >= 1);

        Map.Entry<Integer, String> kept = trace(false, p + "kept-0");
        assertThat(kept.getValue()).contains("present: event_time", "op c, binlog mariadb-bin.", "not set aside", "cdc_op c  is_deleted 0",
                "piam.access_events_current: shown", "In ClickHouse as in the source.");
        assertThat(kept.getKey()).isZero();

        Map.Entry<Integer, String> gone = trace(false, p + "gone-0");
        assertThat(gone.getValue()).contains("not there (never written, or deleted since)", "op c", "op d", "is_deleted 1",
                "piam.access_events_current: not shown", "Neither in the source nor in ClickHouse's view.");
        assertThat(gone.getKey()).isZero();

        Map.Entry<Integer, String> setAside = trace(false, p + "1965");
        assertThat(setAside.getValue()).contains("present: event_time 1965-03-01T10:00:00Z", "set aside by load: event_id=" + p + "1965: event_time 1965-03-01T10:00:00Z is before 1970",
                "no row", "not shown", "Set aside with a reason");
        assertThat(setAside.getKey()).isZero();

        Map.Entry<Integer, String> never = trace(false, p + "never");
        assertThat(never.getValue()).contains("not there", "no change of this key found", "not set aside", "no row",
                "Neither in the source nor in ClickHouse's view.");

        Map.Entry<Integer, String> health = trace(true, String.valueOf(healthId));
        assertThat(health.getValue()).contains("Trace of connector health row id " + healthId, "present: check_time", "op c, binlog",
                "piam.connector_health_current: shown", "In ClickHouse as in the source.");
        assertThat(health.getKey()).isZero();
    }
}
