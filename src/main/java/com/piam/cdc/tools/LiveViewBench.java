package com.piam.cdc.tools;

import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.config.PipelineSettings;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times each query of the live view's PIAM panels (ops/local/live-view-bench.sh runs it against a large copy):
 * the best of five runs after one warm-up, and the rows it returned.
 */
public final class LiveViewBench {

    private LiveViewBench() {
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings s = ToolSettings.load();
        String db = s.clickHouseDatabase();
        List<String> tenants = s.tenants();
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("access events per minute, last hour", ClickHouseQueries.liveAccessPerMinute(db, tenants));
        queries.put("deny reasons, last hour", ClickHouseQueries.liveDenyReasons(db, tenants));
        queries.put("busiest sites (hourly rollup)", ClickHouseQueries.liveBusiestSites(db, tenants));
        queries.put("latest suspicious events", ClickHouseQueries.liveSuspicious(db, tenants));
        queries.put("connectors' board (latest rollup)", ClickHouseQueries.liveConnectors(db, tenants));
        try (HikariDataSource ch = ToolSettings.pool("live-view-bench", s.clickHouseJdbcUrl(), s.clickHouseReader());
             Connection c = ch.getConnection(); Statement st = c.createStatement()) {
            long total = 0;
            for (Map.Entry<String, String> q : queries.entrySet()) {
                long best = Long.MAX_VALUE;
                int rows = 0;
                for (int i = 0; i < 6; i++) {
                    long t0 = System.nanoTime();
                    rows = 0;
                    try (ResultSet rs = st.executeQuery(q.getValue())) {
                        while (rs.next()) {
                            rows++;
                        }
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    if (i > 0) {
                        best = Math.min(best, ms);
                    }
                }
                total += best;
                System.out.printf("  %-40s %5d ms  (%d rows)%n", q.getKey(), best, rows);
            }
            System.out.printf("  %-40s %5d ms  (one refresh of the panels)%n", "all five", total);
        }
    }
}
