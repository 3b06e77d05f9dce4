package com.piam.cdc.load;

import com.piam.cdc.Pools;
import com.piam.cdc.config.Login;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.PacsType;
import com.piam.cdc.it.ClickHouseQuery;
import com.piam.cdc.it.StackLogins;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The loader's RowBinary insert against the real ClickHouse 18.16: the same rows sent as RowBinary and as the
 * VALUES text read back identical in every column (awkward strings, NULLs, the ends of DateTime's range, the
 * largest versions); ClickHouse's own query log shows the insert went as "FORMAT RowBinary" (so a fallback
 * to text fails this test); a table whose types differ from the loader's goes as text and loads right; an Enum8
 * element the server's type lacks is judged by ClickHouse itself (refused with its words), nothing written.
 */
class LoadFormatIT {

    static final String DB = "piam_it_format";
    static HikariDataSource pool;
    static ClickHouseWriter writer;

    @BeforeAll
    static void tables() throws Exception {
        ClickHouseQuery.text("DROP DATABASE IF EXISTS " + DB);
        ClickHouseQuery.text("CREATE DATABASE " + DB);
        for (String t : List.of("fact_access_events", "events_text", "events_narrow")) {
            ClickHouseQuery.text("CREATE TABLE " + DB + "." + t + " AS piam.fact_access_events");
        }
        for (String t : List.of("fact_connector_health", "health_text", "health_wide")) {
            ClickHouseQuery.text("CREATE TABLE " + DB + "." + t + " AS piam.fact_connector_health");
        }
        ClickHouseQuery.text("ALTER TABLE " + DB + ".events_narrow MODIFY COLUMN pacs_source Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3)");
        ClickHouseQuery.text("ALTER TABLE " + DB + ".health_wide MODIFY COLUMN latency_ms UInt64");
        String port = System.getenv().getOrDefault("CLICKHOUSE_PORT", "8123");
        String url = "jdbc:clickhouse:http://127.0.0.1:" + port + "/" + DB + "?clickhouse.jdbc.v1=true&server_version=18.16.1"
                + "&server_time_zone=UTC&compress=false&format=TabSeparatedWithNamesAndTypes"
                + "&custom_http_params=default_format=TabSeparatedWithNamesAndTypes,database=" + DB + ",log_queries=1";
        pool = Pools.create("it-format", url, new Login("piam_admin", StackLogins.password("CLICKHOUSE_ADMIN_PASSWORD")), 2);
        writer = new ClickHouseWriter(pool);
    }

    @AfterAll
    static void close() throws Exception {
        pool.close();
        ClickHouseQuery.text("DROP DATABASE IF EXISTS " + DB);
    }

    static <T> FactTable<T> as(FactTable<T> t, String name) {
        return new FactTable<>(DB + "." + name, t.columns(), t.check(), t.key(), t.keyColumn(), t.partition());
    }

    static List<Change<AccessEvent>> events(String prefix, PacsType... pacs) {
        String[] awkward = {"plain", "", "é ü ß", "漢字 かな", "😀 grin", "tab\there", "new\nline", "it's \"quoted\"", "back\\slash",
                "\\N", "'; DROP TABLE x; --", "x".repeat(300)};
        Instant[] times = {Instant.EPOCH, Instant.ofEpochSecond(0xFFFFFFFFL), Instant.parse("2026-12-05T10:15:30.123Z"),
                Instant.parse("2001-02-03T04:05:06.789Z")};
        List<Change<AccessEvent>> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String s = awkward[i % awkward.length];
            Instant t = times[i % times.length];
            AccessEvent e = new AccessEvent(prefix + i, i % 2 == 0 ? "acme" : "buildright", t, i % 3 == 0 ? null : "p-" + s, "B-" + s,
                    "site-" + i % 5, "loc-" + s, i % 2 == 0 ? "IN" : "OUT", i % 4 == 0 ? "DENY" : "GRANT", "TYPE " + s,
                    i % 4 == 0 ? s : null, i % 4 == 0 ? "E" + i : null, pacs[i % pacs.length], "pe-" + s, i % 5 == 0 ? null : "{\"v\":\"" + s + "\"}",
                    i % 6 == 0, i % 6 == 0 ? s : null, i % 7 == 0 ? Float.MAX_VALUE : i / 7f);
            Change.Op op = Change.Op.values()[i % 4];
            rows.add(new Change<>(e, op, i % 9 == 0 ? 0 : t.toEpochMilli() + 1, i % 8 == 0 ? Long.MAX_VALUE - i : (1L << 62) + i));
        }
        return rows;
    }

    static List<Change<ConnectorHealth>> checks() {
        List<Change<ConnectorHealth>> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Instant t = Instant.parse("2026-12-05T10:00:00.001Z").plusSeconds(i * 61L);
            ConnectorHealth h = new ConnectorHealth("acme", "conn-" + i % 3, "Conn ß " + i, PacsType.values()[i % 4],
                    i % 2 == 0 ? null : "8." + i, t, List.of("OK", "WARN", "DOWN").get(i % 3), i % 5 == 0 ? Integer.MAX_VALUE : i * 7,
                    i / 3f, i, i % 3 == 0 ? null : t.minusSeconds(5), i % 2 == 0 ? null : "timed out: it's \"down\"", i % 2 == 0 ? null : "E-" + i,
                    i % 4 == 0 ? null : "https://x/" + i, i % 3 == 0 ? null : Instant.EPOCH, i == 0 ? 0 : 1_000_000L + i);
            rows.add(new Change<>(h, Change.Op.values()[i % 4], t.toEpochMilli(), 1000 + i));
        }
        return rows;
    }

    static String content(String table, List<String> columns, String key) throws Exception {
        return ClickHouseQuery.text("SELECT " + String.join(", ", columns) + " FROM " + DB + "." + table + " ORDER BY " + key + " FORMAT TSV");
    }

    @Test
    void rowBinaryAndTextStoreTheSameValuesAndTheInsertGoesAsRowBinary() throws Exception {
        FactTable<AccessEvent> events = FactTable.accessEvents(DB);
        FactTable<ConnectorHealth> health = FactTable.connectorHealth(DB);
        List<Change<AccessEvent>> rows = events("fmt-", PacsType.values());
        long since = ClickHouseQuery.count("SELECT toUInt32(now())");
        long binaryBefore = writer.rowsSent(ClickHouseWriter.Format.ROW_BINARY);
        long textBefore = writer.rowsSent(ClickHouseWriter.Format.TEXT);

        writer.insert(events, rows);
        writer.insert(as(events, "events_text"), rows, false);
        writer.insert(health, checks());
        writer.insert(as(health, "health_text"), checks(), false);

        assertThat(writer.rowsSent(ClickHouseWriter.Format.ROW_BINARY) - binaryBefore).isEqualTo(rows.size() + checks().size());
        assertThat(writer.rowsSent(ClickHouseWriter.Format.TEXT) - textBefore).isEqualTo(rows.size() + checks().size());
        String binary = content("fact_access_events", events.columnNames(), "event_id");
        assertThat(binary.lines()).hasSize(rows.size());
        assertThat(binary).contains("漢字 かな", "😀 grin", String.valueOf(Long.MAX_VALUE), "\\N", "it\\'s \"quoted\"");
        assertThat(ClickHouseQuery.text("SELECT min(toUInt32(event_time)), max(toUInt32(event_time)) FROM " + DB + ".fact_access_events"))
                .as("DateTime's first and last second").isEqualTo("0\t4294967295\n");
        assertThat(binary).isEqualTo(content("events_text", events.columnNames(), "event_id"));
        String healthBinary = content("fact_connector_health", health.columnNames(), "check_time_ms");
        assertThat(healthBinary.lines()).hasSize(checks().size());
        assertThat(healthBinary).isEqualTo(content("health_text", health.columnNames(), "check_time_ms"));
        // one ingest stamp per insert, written into every row of it
        assertThat(ClickHouseQuery.count("SELECT uniqExact(ingest_ts_ms) FROM " + DB + ".fact_access_events")).isEqualTo(1);

        ClickHouseQuery.text("SYSTEM FLUSH LOGS");
        List<String> logged = ClickHouseQuery.column("SELECT concat(toString(written_rows), ' ', replaceRegexpAll(query, '\\\\(.*\\\\)', '(...)'))"
                + " FROM system.query_log WHERE type = 2 AND query LIKE 'INSERT INTO " + DB + ".fact_%'"
                + " AND event_time >= toDateTime(" + since + ") ORDER BY event_time");
        assertThat(logged).containsExactly(
                rows.size() + " INSERT INTO " + DB + ".fact_access_events (...) FORMAT RowBinary",
                checks().size() + " INSERT INTO " + DB + ".fact_connector_health (...) FORMAT RowBinary");
    }

    @Test
    void aTableWhoseTypesDifferFromTheLoadersGoesAsTextAndLoadsRight() throws Exception {
        FactTable<ConnectorHealth> wide = as(FactTable.connectorHealth(DB), "health_wide");
        long textBefore = writer.rowsSent(ClickHouseWriter.Format.TEXT);
        writer.insert(wide, checks());
        assertThat(writer.rowsSent(ClickHouseWriter.Format.TEXT) - textBefore).isEqualTo(checks().size());
        assertThat(ClickHouseQuery.column("SELECT toString(latency_ms) FROM " + DB + ".health_wide WHERE check_time_ms = "
                + Instant.parse("2026-12-05T10:00:00.001Z").toEpochMilli())).containsExactly(String.valueOf(Integer.MAX_VALUE));
    }

    @Test
    void anEnumElementTheServerLacksIsRefusedByClickHouseItselfAndNothingOfTheInsertIsWritten() throws Exception {
        FactTable<AccessEvent> narrow = as(FactTable.accessEvents(DB), "events_narrow");
        assertThatThrownBy(() -> writer.insert(narrow, events("narrow-bad-", PacsType.LENEL, PacsType.GENETEC)))
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(InsertErrors.rejectsData(e)).isTrue())
                .satisfies(e -> assertThat(InsertErrors.reason(e)).contains("ClickHouse refused it: Code 49", "Unknown element 'GENETEC'"));
        assertThat(ClickHouseQuery.count("SELECT count() FROM " + DB + ".events_narrow")).isZero();

        long binaryBefore = writer.rowsSent(ClickHouseWriter.Format.ROW_BINARY);
        writer.insert(narrow, events("narrow-ok-", PacsType.LENEL, PacsType.S2));
        assertThat(writer.rowsSent(ClickHouseWriter.Format.ROW_BINARY) - binaryBefore).isEqualTo(40);
        assertThat(ClickHouseQuery.column("SELECT DISTINCT toString(pacs_source) AS source FROM " + DB + ".events_narrow ORDER BY source"))
                .containsExactly("LENEL", "S2");
    }
}
