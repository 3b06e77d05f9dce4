package com.piam.cdc.domain;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one description of each table agrees with the schemas the stack creates (ops/mysql-init, ops/clickhouse-init)
 * and the load routes: a column added to a source table fails here, naming it, until the mapping reads it or it is
 * listed as not carried.
 */
class PipelineTableTest {

    /** Source columns the pipeline does not carry to ClickHouse, besides the key. */
    private static final Map<PipelineTable, Set<String>> NOT_CARRIED = Map.of(
            PipelineTable.ACCESS_EVENTS, Set.of("processed_at"),
            PipelineTable.CONNECTOR_HEALTH, Set.of());

    private static Set<String> sourceColumns(String sql, String table) {
        Matcher block = Pattern.compile("CREATE TABLE IF NOT EXISTS " + table + " \\((.*?)\\n\\) ENGINE", Pattern.DOTALL).matcher(sql);
        assertThat(block.find()).as("CREATE TABLE %s in ops/mysql-init/01_schema.sql", table).isTrue();
        Set<String> columns = new LinkedHashSet<>();
        for (String line : block.group(1).split("\n")) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("INDEX") && !l.startsWith("PRIMARY") && !l.startsWith("KEY") && !l.startsWith("UNIQUE")) {
                columns.add(l.substring(0, l.indexOf(' ')));
            }
        }
        return columns;
    }

    @Test
    void everySourceColumnIsTheKeyMappedOrListedAsNotCarried() throws Exception {
        String sql = Files.readString(Path.of("ops/mysql-init/01_schema.sql"));
        for (PipelineTable t : PipelineTable.values()) {
            Set<String> columns = sourceColumns(sql, t.source);
            assertThat(columns).as("%s has its key and time column", t.source).contains(t.sourceKey, t.sourceTime);
            assertThat(sql).as("%s's key is its primary key", t.source)
                    .containsPattern("(?s)CREATE TABLE IF NOT EXISTS " + t.source + " \\(\\s*" + t.sourceKey + " [^,]*PRIMARY KEY");
            Set<String> mapped = new LinkedHashSet<>(t.requiredColumns);
            mapped.addAll(t.optionalColumns);
            assertThat(mapped).as("%s: required and optional columns overlap", t.source)
                    .hasSize(t.requiredColumns.size() + t.optionalColumns.size());
            assertThat(columns).as("%s: the columns the mapping reads exist", t.source).containsAll(mapped);
            for (String c : columns) {
                assertThat(c.equals(t.sourceKey) || mapped.contains(c) || NOT_CARRIED.get(t).contains(c))
                        .as("column %s of %s is neither mapped (PipelineTable, ChangeMapping) nor listed as not carried", c, t.source)
                        .isTrue();
            }
        }
    }

    @Test
    void factTablesViewsAndLoadRoutesExist() throws Exception {
        String sql = Files.readString(Path.of("ops/clickhouse-init/01_schema.sql"));
        for (PipelineTable t : PipelineTable.values()) {
            assertThat(sql).contains("CREATE TABLE IF NOT EXISTS piam." + t.fact + " (", "CREATE VIEW IF NOT EXISTS piam." + t.view + " AS");
            String route = Files.readString(Path.of("src/main/resources/routes/" + t.loadRoute() + ".camel.yaml"));
            assertThat(route).contains("id: " + t.loadRoute(), "uri: \"" + t.buffer() + "?");
        }
    }

    @Test
    void namesFollowDebeziumAndTheRoutes() {
        assertThat(PipelineTable.ACCESS_EVENTS.topic("cg", "cloudgate")).isEqualTo("cg.cloudgate.cg_access_event");
        assertThat(PipelineTable.CONNECTOR_HEALTH.consumeRoute()).isEqualTo("consume-connector-health");
        assertThat(PipelineTable.CONNECTOR_HEALTH.loadRoute()).isEqualTo("load-connector-health");
        assertThat(PipelineTable.ACCESS_EVENTS.buffer()).isEqualTo("seda:access-events");
    }
}
