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
 * pages open, so the page cannot load ClickHouse more than the pipeline does; the hour's counts are kept
 * per minute ({@link MinuteWindow}: the whole hour asked every 30 s, the last two minutes in between).
 */
final class PiamPanels {

    private final DataSource reader;
    private final String db;
    private final List<String> tenants;
    private final long cacheMs;
    static final long WHOLE_HOUR_EVERY_MS = 30_000;
    /** Suspicious events are looked for in the last 10 minutes first, in the hour when those hold fewer than 8. */
    static final long SUSPICIOUS_RECENT_S = 600;

    /** Per minute and site: granted, denied, suspicious. */
    private final MinuteWindow sites = new MinuteWindow(3, WHOLE_HOUR_EVERY_MS);
    /** Per minute and deny reason: denied. */
    private final MinuteWindow denyReasons = new MinuteWindow(1, WHOLE_HOUR_EVERY_MS);
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
            long from = sites.askFrom(t0);
            sites.replaceFrom(from, rows(st, ClickHouseQueries.liveSiteMinutes(db, tenants, from)), t0);
            from = denyReasons.askFrom(t0);
            denyReasons.replaceFrom(from, rows(st, ClickHouseQueries.liveDenyMinutes(db, tenants, from)), t0);
            out.put("per_minute", sites.perMinute().stream().map(r -> r.subList(0, 3)).toList()); // minute, granted, denied
            out.put("deny_reasons", denyReasons.top(6, 0));
            out.put("sites", sites.top(6, 0, 1).stream().map(r -> List.of(r.get(0), (long) r.get(1) + (long) r.get(2), r.get(3))).toList());
            long nowS = t0 / 1000;
            List<List<Object>> suspicious = rows(st, ClickHouseQueries.liveSuspicious(db, tenants, nowS - SUSPICIOUS_RECENT_S));
            out.put("suspicious", suspicious.size() >= 8 ? suspicious
                    : rows(st, ClickHouseQueries.liveSuspicious(db, tenants, nowS - MinuteWindow.HOUR_S)));
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
