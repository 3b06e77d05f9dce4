package com.piam.cdc.it;

import com.piam.cdc.record.RecordFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every source column carries its type's full range: rows at each column's bounds (shortest and longest text, 4-byte
 * characters, NULL where the column allows it, DATETIME(3) at 1970-01-01 00:00:00.000 and 2106-02-07 06:28:15.999,
 * FLOAT's largest, smallest and tiniest values, every ENUM value, INT UNSIGNED's 4294967295) go MariaDB -> capture ->
 * Kafka -> ClickHouse, and each value ClickHouse holds is compared with MariaDB's. Only values a ClickHouse column
 * cannot hold (a time before 1970 or after 2106-02-07 06:28:15, a negative flag for UInt8) are set aside, each with its
 * reason on the dead-letter topic. A NULL in a column ClickHouse keeps non-nullable arrives as the column's default
 * (raw_payload '', suspicious_flag and suspicious_score 0, error_count_1h 0), as docs/bad-data.md says.
 */
class ColumnRangeIT extends PipelineITSupport {

    private static final String EVENTS_DLQ = "cg.cloudgate.cg_access_event.dlq";
    private static final String HEALTH_DLQ = "cg.cloudgate.cg_connector_health.dlq";
    private static final String MAX_TIME = "2106-02-07 06:28:15.999";
    private static final String MIN_TIME = "1970-01-01 00:00:00.000";
    /** FLOAT's largest value MariaDB takes (3.402823466E+38; Java's Float.MAX_VALUE is just above it). */
    private static final float FLOAT_MAX = Math.nextDown(Float.MAX_VALUE);
    private final String p = "rng" + UUID.randomUUID().toString().substring(0, 6) + "-";

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    @AfterEach
    void removeTheRowsFromTheSource() throws Exception {
        // without the binlog: the source's rows at 1970 and 2106 must not reach later tests' snapshots
        try (Connection db = Cloudgate.connect(); Statement st = db.createStatement()) {
            st.execute("SET SESSION sql_log_bin = 0");
            st.executeUpdate("DELETE FROM cg_access_event WHERE event_id LIKE '" + p + "%'");
            st.executeUpdate("DELETE FROM cg_connector_health WHERE connector_id LIKE '" + p + "%'");
        }
    }

    @Test
    void everyAccessEventColumnAtItsBoundsArrivesUnchanged() throws Exception {
        String longText = "ü".repeat(200) + "x".repeat(55);
        List<Object[]> loaded = List.of(
                // event_id, tenant, event_time, person, badge, site, location, direction, result, type, deny_reason, deny_code,
                // pacs, pacs_event_id, raw_payload, flag, suspicious_reason, score
                new Object[] {pad(p + "max", 36), "t".repeat(50), MAX_TIME, "🚪".repeat(50), "b".repeat(50), "s".repeat(50),
                        "l".repeat(50), "OUT", "DENY", "e".repeat(50), longText, "c".repeat(50), "GENETEC", "v".repeat(100),
                        "{" + "x".repeat(65_533) + "}", 127, longText, FLOAT_MAX},
                new Object[] {p + "min", "", MIN_TIME, null, "", "", "", "IN", "GRANT", "", null, null, "LENEL", "", null, null, null, null},
                new Object[] {p + "tiny", "acme", "1970-01-01 00:00:00.001", "p", "b", "s", "l", "IN", "DENY", "t", "r", "c", "CCURE",
                        "x", "{}", 1, "r", Float.MIN_NORMAL},
                new Object[] {p + "denorm", "acme", "2026-12-06 10:00:00.500", "p", "b", "s", "l", "OUT", "GRANT", "t", null, null,
                        "S2", "x", "{}", 0, null, Float.MIN_VALUE},
                new Object[] {p + "neg", "acme", "2026-12-06 10:00:00.999", "p", "b", "s", "l", "OUT", "GRANT", "t", null, null,
                        "LENEL", "x", "", 0, null, -FLOAT_MAX});
        Map<String, String> setAside = new TreeMap<>(Map.of(
                p + "late", "event_time 2106-02-07T06:28:16Z is after 2106-02-07 06:28:15",
                p + "early", "event_time 1969-12-31T23:59:59.999Z is before 1970",
                p + "far", "event_time 9999-12-31T23:59:59.999Z is after 2106-02-07 06:28:15",
                p + "negflag", "suspicious_flag=-128 is out of range"));
        List<Object[]> rows = new ArrayList<>(loaded);
        rows.add(event(p + "late", "2106-02-07 06:28:16.000", 0));
        rows.add(event(p + "early", "1969-12-31 23:59:59.999", 0));
        rows.add(event(p + "far", "9999-12-31 23:59:59.999", 0));
        rows.add(event(p + "negflag", "2026-12-06 10:00:01.000", -128));
        try (Connection db = Cloudgate.connect(); PreparedStatement ps = db.prepareStatement("INSERT INTO cg_access_event (event_id,"
                + " tenant_id, event_time, person_id, badge_id, site_id, location_id, direction, result, event_type, deny_reason,"
                + " deny_code, pacs_source, pacs_event_id, raw_payload, suspicious_flag, suspicious_reason, suspicious_score)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Object[] r : rows) {
                bind(ps, r, new int[] {3}, new int[] {16}, new int[] {18});
                ps.addBatch();
            }
            ps.executeBatch();
        }
        List<String> keys = loaded.stream().map(r -> (String) r[0]).toList();
        arriveUnchanged(sourceEvents(keys), "piam.fact_access_events", "event_id", "event_id, tenant_id, toUInt32(event_time),"
                + " event_time_ms, person_id, badge_id, site_id, location_id, toString(direction), toString(result), event_type, deny_reason,"
                + " deny_code, toString(pacs_source), pacs_event_id, raw_payload, suspicious_flag, suspicious_reason, toString(suspicious_score)",
                18, keys);

        assertSetAside(EVENTS_DLQ, setAside, "piam.fact_access_events", "event_id");
    }

    @Test
    void everyConnectorHealthColumnAtItsBoundsArrivesUnchanged() throws Exception {
        List<Object[]> loaded = List.of(
                // connector_id, tenant, name, pacs_type, version, check_time, status, latency, epm, errors, last_event, message,
                // code, url, last_sync
                new Object[] {pad(p + "max", 50), "t".repeat(50), "n".repeat(100), "GENETEC", "v".repeat(50), MAX_TIME, "DOWN",
                        4_294_967_295L, FLOAT_MAX, 4_294_967_295L, MAX_TIME, "ü".repeat(500), "c".repeat(50),
                        "https://" + "h".repeat(247), MAX_TIME},
                new Object[] {p + "min", "", "", "LENEL", null, MIN_TIME, "OK", 0L, -FLOAT_MAX, null, null, null, null, null, null},
                new Object[] {p + "ccure", "acme", "c", "CCURE", "1", "1970-01-01 00:00:00.001", "WARN", 1L, Float.MIN_NORMAL, 0L,
                        MIN_TIME, "", "", "", MIN_TIME},
                new Object[] {p + "s2", "acme", "s", "S2", "", "2026-12-06 10:00:00.250", "OK", 2L, Float.MIN_VALUE, 1L,
                        "2026-12-06 09:59:59.999", "m", "e", "u", "2026-12-06 09:00:00.001"});
        List<Object[]> bad = List.of(
                health(p + "late", "2106-02-07 06:28:16.000", null, null),
                health(p + "early", "2026-12-06 10:00:00.000", "1000-01-01 00:00:00.000", null),
                health(p + "far", "2026-12-06 10:00:00.000", null, "9999-12-31 23:59:59.999"));
        Map<String, String> reasons = Map.of(p + "late", "check_time 2106-02-07T06:28:16Z is after 2106-02-07 06:28:15",
                p + "early", "last_event_time 1000-01-01T00:00:00Z is before 1970",
                p + "far", "last_successful_sync 9999-12-31T23:59:59.999Z is after 2106-02-07 06:28:15");
        Map<String, String> setAside = new TreeMap<>();
        try (Connection db = Cloudgate.connect(); PreparedStatement ps = db.prepareStatement("INSERT INTO cg_connector_health"
                + " (connector_id, tenant_id, connector_name, pacs_type, pacs_version, check_time, status, latency_ms,"
                + " events_per_minute, error_count_1h, last_event_time, error_message, error_code, endpoint_url, last_successful_sync)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            for (Object[] r : loaded) {
                bind(ps, r, new int[] {6, 11, 15}, new int[] {8, 10}, new int[] {9});
                ps.executeUpdate();
            }
            for (Object[] r : bad) {
                bind(ps, r, new int[] {6, 11, 15}, new int[] {8, 10}, new int[] {9});
                ps.executeUpdate();
                try (ResultSet k = ps.getGeneratedKeys()) {
                    assertThat(k.next()).isTrue();
                    setAside.put(String.valueOf(k.getLong(1)), reasons.get((String) r[0])); // the record key: {"id":N}
                }
            }
        }
        List<String> keys = loaded.stream().map(r -> (String) r[0]).toList();
        arriveUnchanged(sourceHealth(keys), "piam.fact_connector_health", "connector_id", "connector_id, tenant_id, connector_name,"
                + " toString(pacs_type), pacs_version, toUInt32(check_time), check_time_ms, toString(status), latency_ms,"
                + " toString(events_per_minute), error_count_1h, toUInt32(last_event_time), error_message, error_code, endpoint_url,"
                + " toUInt32(last_successful_sync)", 9, keys);

        assertSetAside(HEALTH_DLQ, setAside, "piam.fact_connector_health", "id");
    }

    /** The rows of {@code keys} reach ClickHouse's converged view, each value as {@code source} (MariaDB) says. */
    private static void arriveUnchanged(Map<String, List<String>> source, String table, String keyColumn, String columns, int floatColumn,
            List<String> keys) throws Exception {
        assertThat(source).as("the source holds every row written").hasSize(keys.size());
        String where = " FROM " + table + " FINAL WHERE is_deleted = 0 AND " + keyColumn + " IN ("
                + keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(",")) + ")";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ClickHouseQuery.count("SELECT count()" + where) == keys.size());
        Map<String, List<String>> target = rows(ClickHouseQuery.text("SELECT " + columns + where), floatColumn);
        assertThat(differences(source, target)).as("every value as MariaDB holds it").isEmpty();
    }

    /** Each row is on the dead-letter topic with its reason, and not in ClickHouse. */
    private static void assertSetAside(String dlq, Map<String, String> reasons, String table, String keyColumn) throws Exception {
        for (Map.Entry<String, String> e : reasons.entrySet()) {
            ConsumerRecord<String, byte[]> letter = DeadLetterTopic.find(dlq, k -> k.contains("\"" + e.getKey() + "\"")
                    || k.matches(".*\"" + keyColumn + "\":" + e.getKey() + "\\D.*"), Duration.ofSeconds(30));
            assertThat(letter).as(e.getKey() + " on " + dlq).isNotNull();
            assertThat(DeadLetterTopic.header(letter, RecordFormat.DLQ_REASON_HEADER)).as(e.getKey()).contains(e.getValue());
        }
        String where = keyColumn.equals("id") ? "source_id IN (" + String.join(",", reasons.keySet()) + ")"
                : "event_id IN (" + reasons.keySet().stream().map(k -> "'" + k + "'").collect(Collectors.joining(",")) + ")";
        assertThat(ClickHouseQuery.count("SELECT count() FROM " + table + " WHERE " + where)).as("set aside, not loaded").isZero();
    }

    /** "rngab12-max column 17: 'x…' in MariaDB, 'y…' in ClickHouse" per differing value (text clipped), or a missing row. */
    private static List<String> differences(Map<String, List<String>> source, Map<String, List<String>> target) {
        List<String> out = new ArrayList<>();
        source.forEach((key, want) -> {
            List<String> got = target.get(key);
            if (got == null || got.size() != want.size()) {
                out.add(key + ": " + (got == null ? "not in ClickHouse" : got.size() + " columns, expected " + want.size()));
                return;
            }
            for (int i = 0; i < want.size(); i++) {
                if (!want.get(i).equals(got.get(i))) {
                    out.add(key + " column " + i + ": '" + clip(want.get(i)) + "' in MariaDB, '" + clip(got.get(i)) + "' in ClickHouse");
                }
            }
        });
        target.keySet().stream().filter(k -> !source.containsKey(k)).forEach(k -> out.add(k + ": only in ClickHouse"));
        return out;
    }

    private static String clip(String v) {
        return v.length() <= 60 ? v : v.substring(0, 40) + "…(" + v.length() + " chars)";
    }

    private static Object[] event(String id, String time, int flag) {
        return new Object[] {id, "acme", time, "p", "b", "s", "l", "IN", "GRANT", "t", null, null, "LENEL", "x", "{}", flag, null, 0f};
    }

    private static Object[] health(String connector, String checkTime, String lastEvent, String lastSync) {
        return new Object[] {connector, "acme", "n", "LENEL", "1", checkTime, "OK", 1L, 1f, 0L, lastEvent, null, null, null, lastSync};
    }

    /** Binds a row: times as DATETIME(3) text, whole numbers, floats, the rest text; null as NULL. */
    private static void bind(PreparedStatement ps, Object[] r, int[] times, int[] wholes, int[] floats) throws Exception {
        for (int i = 0; i < r.length; i++) {
            int at = i + 1;
            int type = contains(times, at) ? Types.TIMESTAMP : contains(wholes, at) ? Types.BIGINT : contains(floats, at) ? Types.FLOAT
                    : Types.VARCHAR;
            if (r[i] == null) {
                ps.setNull(at, type);
            } else if (type == Types.TIMESTAMP) {
                ps.setObject(at, LocalDateTime.parse(((String) r[i]).replace(' ', 'T')));
            } else if (type == Types.FLOAT) {
                ps.setFloat(at, (Float) r[i]);
            } else if (type == Types.BIGINT) {
                ps.setLong(at, ((Number) r[i]).longValue());
            } else {
                ps.setString(at, (String) r[i]);
            }
        }
    }

    private static boolean contains(int[] a, int v) {
        return Arrays.stream(a).anyMatch(x -> x == v);
    }

    /**
     * MariaDB's rows as ClickHouse should hold them: times as epoch seconds (and ms), NULL as \N or the column's default.
     * FLOAT is read as DOUBLE: MariaDB's text for a FLOAT has 6 digits (3.40282e38), its DOUBLE the stored value exactly.
     */
    private static Map<String, List<String>> sourceEvents(List<String> keys) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection db = Cloudgate.connect(); Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT event_id, tenant_id, DATE_FORMAT(event_time, '%Y-%m-%dT%H:%i:%s.%f'), person_id, badge_id, site_id, location_id,"
                        + " direction, result, event_type, deny_reason, deny_code, pacs_source, pacs_event_id, raw_payload,"
                        + " suspicious_flag, suspicious_reason, CAST(suspicious_score AS DOUBLE) FROM cg_access_event WHERE event_id IN ("
                        + keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(",")) + ")")) {
            while (rs.next()) {
                long ms = ms(rs.getString(3));
                List<String> v = new ArrayList<>(List.of(rs.getString(1), rs.getString(2), String.valueOf(Math.floorDiv(ms, 1000)),
                        String.valueOf(ms)));
                for (int c = 4; c <= 14; c++) {
                    v.add(nullable(rs.getString(c)));
                }
                v.add(rs.getString(15) == null ? "" : rs.getString(15));
                v.add(rs.getString(16) == null ? "0" : rs.getString(16));
                v.add(nullable(rs.getString(17)));
                v.add(Float.toString(rs.getObject(18) == null ? 0f : (float) rs.getDouble(18)));
                out.put(v.get(0), v);
            }
        }
        return out;
    }

    private static Map<String, List<String>> sourceHealth(List<String> keys) throws Exception {
        Map<String, List<String>> out = new TreeMap<>();
        try (Connection db = Cloudgate.connect(); Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT connector_id, tenant_id, connector_name, pacs_type, pacs_version, DATE_FORMAT(check_time, '%Y-%m-%dT%H:%i:%s.%f'),"
                        + " status, latency_ms, CAST(events_per_minute AS DOUBLE), error_count_1h, DATE_FORMAT(last_event_time, '%Y-%m-%dT%H:%i:%s.%f'),"
                        + " error_message, error_code, endpoint_url, DATE_FORMAT(last_successful_sync, '%Y-%m-%dT%H:%i:%s.%f')"
                        + " FROM cg_connector_health WHERE connector_id IN ("
                        + keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(",")) + ")")) {
            while (rs.next()) {
                long check = ms(rs.getString(6));
                List<String> v = new ArrayList<>(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        nullable(rs.getString(5)), String.valueOf(Math.floorDiv(check, 1000)), String.valueOf(check), rs.getString(7),
                        rs.getString(8), Float.toString((float) rs.getDouble(9)), rs.getString(10) == null ? "0" : rs.getString(10),
                        seconds(rs.getString(11)), nullable(rs.getString(12)), nullable(rs.getString(13)), nullable(rs.getString(14)),
                        seconds(rs.getString(15))));
                out.put(v.get(0), v);
            }
        }
        return out;
    }

    /** ClickHouse's TabSeparated answer by its first column; Float32 text read back as a Java float's text. */
    private static Map<String, List<String>> rows(String tsv, int floatColumn) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String line : tsv.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            List<String> v = new ArrayList<>(Arrays.asList(line.split("\t", -1)));
            v.set(floatColumn, Float.toString(Float.parseFloat(v.get(floatColumn))));
            out.put(v.get(0), v);
        }
        return out;
    }

    private static long ms(String isoWithMicros) {
        return LocalDateTime.parse(isoWithMicros).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static String seconds(String isoWithMicros) {
        return isoWithMicros == null ? "\\N" : String.valueOf(Math.floorDiv(ms(isoWithMicros), 1000));
    }

    private static String nullable(String v) {
        return v == null ? "\\N" : v;
    }

    private static String pad(String s, int length) {
        return s + "z".repeat(length - s.length());
    }
}
