package com.piam.cdc.live;

import com.piam.cdc.Retry;
import com.piam.cdc.clickhouse.ClickHouseQueries;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The access-control picture the dashboard shows, from ClickHouse (piam_reader, its own one-connection pool
 * with short timeouts): access events per minute by result, deny reasons, busiest sites, the latest
 * suspicious events, the connectors' board. Asked at most once per {@code cacheMs}, whatever the number of
 * pages open, so the page cannot load ClickHouse more than the pipeline does.
 */
final class PiamPanels {

    private final DataSource reader;
    private final String db;
    private final List<String> tenants;
    private final long cacheMs;
    private Map<String, Object> cached;
    private long cachedAtMs;

    PiamPanels(DataSource reader, String db, List<String> tenants, long cacheMs) {
        this.reader = reader;
        this.db = db;
        this.tenants = tenants;
        this.cacheMs = cacheMs;
    }

    synchronized Map<String, Object> panels() {
        long now = System.currentTimeMillis();
        if (cached == null || now - cachedAtMs >= cacheMs) {
            cached = ask();
            cachedAtMs = now;
        }
        return cached;
    }

    private Map<String, Object> ask() {
        Map<String, Object> out = new LinkedHashMap<>();
        long t0 = System.currentTimeMillis();
        try (Connection c = reader.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(5);
            out.put("per_minute", rows(st, ClickHouseQueries.liveAccessPerMinute(db, tenants)));
            out.put("deny_reasons", rows(st, ClickHouseQueries.liveDenyReasons(db, tenants)));
            out.put("sites", rows(st, ClickHouseQueries.liveBusiestSites(db, tenants)));
            out.put("suspicious", rows(st, ClickHouseQueries.liveSuspicious(db, tenants)));
            out.put("connectors", rows(st, ClickHouseQueries.liveConnectors(db, tenants)));
        } catch (Exception e) {
            out.put("error", "ClickHouse: " + Retry.rootMessage(e));
        }
        out.put("took_ms", System.currentTimeMillis() - t0);
        return out;
    }

    private static List<List<Object>> rows(Statement st, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Number || v == null ? v : String.valueOf(v));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
