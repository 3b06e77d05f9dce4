package com.piam.cdc.ops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster DDL (ops/clickhouse-cluster/01_schema_cluster.sql, not run here: one 18.16 server) stays the
 * single-node schema spread over shards: every fact and rollup has a replicated local table with the same
 * columns, partitioning and sorting key, a Distributed table under the name the pipeline uses, sharded by
 * columns of its sorting key (all versions of one row on one shard, so FINAL still converges), and the
 * materialized views and converged views of the single-node schema.
 */
class ClickHouseClusterDdlTest {

    static String single;
    static String cluster;

    @BeforeAll
    static void load() throws Exception {
        single = Files.readString(Path.of("ops/clickhouse-init/01_schema.sql")) + Files.readString(Path.of("ops/clickhouse-init/03_rollups.sql"));
        cluster = Files.readString(Path.of("ops/clickhouse-cluster/01_schema_cluster.sql"));
    }

    /** Columns, engine and keys of one CREATE TABLE, whitespace normalised. */
    private static String table(String sql, String name) {
        Matcher m = Pattern.compile("CREATE TABLE IF NOT EXISTS piam\\." + name + "(?: ON CLUSTER piam)? \\((.*?)\\n\\) ENGINE = (\\w+)\\((.*?)\\)\\n(.*?);",
                Pattern.DOTALL).matcher(sql);
        assertThat(m.find()).as("CREATE TABLE piam." + name).isTrue();
        return m.group(1).replaceAll("--[^\\n]*", "").replaceAll("\\s+", " ").trim() + " | " + m.group(4).replaceAll("\\s+", " ").trim();
    }

    private static String engineOf(String sql, String name) {
        Matcher m = Pattern.compile("CREATE TABLE IF NOT EXISTS piam\\." + name + "(?: ON CLUSTER piam)? \\(.*?\\n\\) ENGINE = (\\w+)\\((.*?)\\)\\n",
                Pattern.DOTALL).matcher(sql);
        assertThat(m.find()).as(name).isTrue();
        return m.group(1) + "(" + m.group(2) + ")";
    }

    private static Set<String> orderBy(String sql, String name) {
        Matcher m = Pattern.compile("CREATE TABLE IF NOT EXISTS piam\\." + name + "(?: ON CLUSTER piam)? \\(.*?ORDER BY \\(([^)]*)\\);", Pattern.DOTALL)
                .matcher(sql);
        assertThat(m.find()).as(name + " ORDER BY").isTrue();
        return Arrays.stream(m.group(1).split(",")).map(String::trim).collect(Collectors.toSet());
    }

    @Test
    void everyFactAndRollupIsReplicatedWithTheSameColumnsAndKeys() {
        for (String t : List.of("fact_access_events", "fact_connector_health", "rollup_access_hourly", "rollup_connector_latest")) {
            assertThat(table(cluster, t + "_local")).as(t).isEqualTo(table(single, t));
            String engine = engineOf(single, t);
            String local = engineOf(cluster, t + "_local");
            assertThat(local).as(t + " engine").startsWith("Replicated" + engine.substring(0, engine.indexOf('(')))
                    .contains("'/clickhouse/tables/{shard}/piam/" + t + "', '{replica}'");
            String args = engine.substring(engine.indexOf('(') + 1, engine.length() - 1);
            if (!args.isEmpty()) {
                assertThat(local).as(t + " version column").endsWith(", " + args + ")");
            }
        }
    }

    @Test
    void theDistributedTablesKeepThePipelinesNamesAndShardByTheRowKey() {
        for (String t : List.of("fact_access_events", "fact_connector_health", "rollup_access_hourly", "rollup_connector_latest")) {
            Matcher m = Pattern.compile("CREATE TABLE IF NOT EXISTS piam\\." + t + " ON CLUSTER piam AS piam\\." + t + "_local\\n"
                    + "ENGINE = Distributed\\(piam, piam, " + t + "_local, (.*?)\\);").matcher(cluster);
            assertThat(m.find()).as("Distributed piam." + t).isTrue();
            String key = m.group(1);
            if (t.equals("rollup_access_hourly")) {
                assertThat(key).as("an aggregate rollup merges across shards: any spread will do").isEqualTo("rand()");
                continue;
            }
            Matcher cols = Pattern.compile("cityHash64\\(([^)]*)\\)").matcher(key);
            assertThat(cols.matches()).as(t + " sharding key " + key).isTrue();
            Set<String> sharding = Arrays.stream(cols.group(1).split(",")).map(String::trim).collect(Collectors.toSet());
            assertThat(orderBy(single, t)).as(t + ": sharded by columns of its sorting key").containsAll(sharding);
        }
        // the latest-per-connector rollup is fed on the shard of its health rows: both shard by connector
        assertThat(cluster).contains("Distributed(piam, piam, fact_connector_health_local, cityHash64(tenant_id, connector_id))");
    }

    @Test
    void theViewsAreTheSingleNodeOnesOnTheLocalTables() {
        for (String view : List.of("access_events_current", "connector_health_current")) {
            Matcher s = Pattern.compile("CREATE VIEW IF NOT EXISTS piam\\." + view + " AS\\s+(.*?);", Pattern.DOTALL).matcher(single);
            Matcher c = Pattern.compile("CREATE VIEW IF NOT EXISTS piam\\." + view + " ON CLUSTER piam AS\\s+(.*?);", Pattern.DOTALL).matcher(cluster);
            assertThat(s.find() && c.find()).as(view).isTrue();
            assertThat(c.group(1)).isEqualTo(s.group(1));
        }
        for (String mv : List.of("mv_access_hourly", "mv_connector_latest")) {
            Matcher s = Pattern.compile("CREATE MATERIALIZED VIEW IF NOT EXISTS piam\\." + mv + " TO piam\\.(\\w+) AS\\n(.*?);", Pattern.DOTALL)
                    .matcher(single);
            Matcher c = Pattern.compile("CREATE MATERIALIZED VIEW IF NOT EXISTS piam\\." + mv + " ON CLUSTER piam TO piam\\.(\\w+) AS\\n(.*?);",
                    Pattern.DOTALL).matcher(cluster);
            assertThat(s.find() && c.find()).as(mv).isTrue();
            assertThat(c.group(1)).isEqualTo(s.group(1) + "_local");
            assertThat(c.group(2)).isEqualTo(s.group(2).replaceAll("FROM piam\\.(\\w+)", "FROM piam.$1_local"));
        }
    }
}
