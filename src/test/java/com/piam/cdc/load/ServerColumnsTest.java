package com.piam.cdc.load;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ServerColumnsTest {

    /** The column types of a table as ops/clickhouse-init/01_schema.sql creates it (what system.columns then says). */
    static Map<String, String> schema(String table) throws Exception {
        String sql = Files.readString(Path.of("ops/clickhouse-init/01_schema.sql"));
        int at = sql.indexOf("CREATE TABLE IF NOT EXISTS piam." + table + " (");
        String body = sql.substring(sql.indexOf('(', at) + 1, sql.indexOf(") ENGINE", at));
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            String l = line.replaceAll("--.*", "").strip();
            Matcher m = Pattern.compile("^([a-z_0-9]+) (.+?)(?: DEFAULT .*)?,?$").matcher(l);
            if (m.matches()) {
                types.put(m.group(1), m.group(2));
            }
        }
        return types;
    }

    @Test
    void theLoadersTypesAreTheSchemasSoBothTablesGoInRowBinary() throws Exception {
        Map<String, String> events = schema("fact_access_events");
        assertThat(events).containsEntry("person_id", "Nullable(String)").containsEntry("version", "UInt64").hasSize(24);
        ServerColumns.Layout layout = ServerColumns.compare(FactTable.accessEvents("piam"), events, 0).layout();
        assertThat(layout).isNotNull();
        int pacs = FactTable.accessEvents("piam").columnNames().indexOf("pacs_source");
        assertThat(layout.enumCodes().get(pacs)).containsExactlyInAnyOrderEntriesOf(Map.of("LENEL", 1, "CCURE", 2, "S2", 3, "GENETEC", 4));
        assertThat(layout.enumCodes().get(0)).isNull();

        Map<String, String> health = schema("fact_connector_health");
        assertThat(health).containsEntry("source_id", "UInt64").containsEntry("last_event_time", "Nullable(DateTime)");
        assertThat(ServerColumns.compare(FactTable.connectorHealth("piam"), health, 0).layout()).isNotNull();
    }

    @Test
    void aColumnOfAnotherTypeOrMissingSendsTheTableAsTextAndSaysWhich() throws Exception {
        Map<String, String> health = schema("fact_connector_health");
        health.put("latency_ms", "UInt64");
        var seen = ServerColumns.compare(FactTable.connectorHealth("piam"), health, 0);
        assertThat(seen.layout()).isNull();
        assertThat(seen.mismatch()).isEqualTo("piam.fact_connector_health.latency_ms is UInt64 in ClickHouse; the loader writes UInt32");

        Map<String, String> events = schema("fact_access_events");
        events.remove("deny_code");
        assertThat(ServerColumns.compare(FactTable.accessEvents("piam"), events, 0).mismatch())
                .isEqualTo("piam.fact_access_events has no column deny_code (the loader writes it)");

        events = schema("fact_access_events");
        events.put("direction", "Enum16('IN' = 1, 'OUT' = 2)");
        assertThat(ServerColumns.compare(FactTable.accessEvents("piam"), events, 0).mismatch())
                .isEqualTo("piam.fact_access_events.direction is Enum16('IN' = 1, 'OUT' = 2) in ClickHouse; the loader writes Enum8");
    }

    @Test
    void enumCodesAreTheServersIncludingQuotedAndNegativeOnes() {
        assertThat(ServerColumns.enumCodes("Enum8('IN' = 1, 'OUT' = 2)")).isEqualTo(Map.of("IN", 1, "OUT", 2));
        assertThat(ServerColumns.enumCodes("Enum8('it\\'s' = -3, 'a, b = 2' = 5, 'back\\\\' = 127)"))
                .isEqualTo(Map.of("it's", -3, "a, b = 2", 5, "back\\", 127));
    }
}
