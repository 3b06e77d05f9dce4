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
 * the best of five runs after one warm-up, and the rows it returned; then a refresh's cost, a whole pass's
 * and their average.
 */
public final class LiveViewBench {

    private LiveViewBench() {
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings s = ToolSettings.load();
        String db = s.clickHouseDatabase();
        List<String> tenants = s.tenants();
        Map<String, String> queries = new LinkedHashMap<>();
        long now = System.currentTimeMillis() / 1000;
        long hour = now / 60 * 60 - 3540;
        long recent = now / 60 * 60 - 60;
        // what one refresh asks between whole passes (every 2 s), and what a whole pass asks (every 30 s)
        queries.put("per minute and site, last 2 minutes", ClickHouseQueries.liveSiteMinutes(db, tenants, recent));
        queries.put("deny reasons, last 2 minutes", ClickHouseQueries.liveDenyMinutes(db, tenants, recent));
        queries.put("latest suspicious, last 10 minutes", ClickHouseQueries.liveSuspicious(db, tenants, now - 600));
        queries.put("connectors' board (latest rollup)", ClickHouseQueries.liveConnectors(db, tenants));
        queries.put("WHOLE: per minute and site, hour", ClickHouseQueries.liveSiteMinutes(db, tenants, hour));
        queries.put("WHOLE: deny reasons, hour", ClickHouseQueries.liveDenyMinutes(db, tenants, hour));
        try (HikariDataSource ch = ToolSettings.pool("live-view-bench", s.clickHouseJdbcUrl(), s.clickHouseReader());
             Connection c = ch.getConnection(); Statement st = c.createStatement()) {
            long refresh = 0;
            long whole = 0;
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
                if (q.getKey().startsWith("WHOLE")) {
                    whole += best;
                } else {
                    refresh += best;
                }
                System.out.printf("  %-40s %5d ms  (%d rows)%n", q.getKey(), best, rows);
            }
            System.out.printf("  %-40s %5d ms  (a refresh between whole passes)%n", "refresh", refresh);
            System.out.printf("  %-40s %5d ms  (every 30 s, with a refresh's other queries)%n", "whole pass", whole);
            System.out.printf("  %-40s %5.0f ms  (over 30 s at one refresh per 2 s)%n", "average per refresh", refresh + whole / 15.0);
        }
    }
}
