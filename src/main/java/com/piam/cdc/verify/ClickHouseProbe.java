package com.piam.cdc.verify;

import com.piam.cdc.clickhouse.ClickHouseQueries;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Reads the target's facts as the reader user: recent rows, the newest per table and connector, freshness. */
final class ClickHouseProbe {

    static final class Facts {
        String error;
        long accessRows10m;
        long newestAccessMs;
        long healthRows10m;
        long newestCheckMs;
        final Map<String, Long> lastCheckByConnector = new LinkedHashMap<>();
        final TreeSet<String> expectedConnectors = new TreeSet<>();
        long freshnessRows;
        double freshnessP95Ms;
        long freshnessRows1m;
        double freshnessP95Ms1m;
    }

    private final DataSource reader;
    private final String db;
    private final List<String> tenants;
    private final String where;
    private final long fromSec;

    /** @param fromSec RECONCILE_FROM (0: none): freshness counts only rows with a source time from then on */
    ClickHouseProbe(DataSource reader, String db, List<String> tenants, String where, long fromSec) {
        this.reader = reader;
        this.db = db;
        this.tenants = tenants;
        this.where = where;
        this.fromSec = fromSec;
    }

    Facts read() {
        Facts f = new Facts();
        try (Connection c = reader.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(PipelineVerifier.TIMEOUT_SECONDS);
            // exact under replay: distinct keys, not rows
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.recentAccessEvents(db))) {
                rs.next();
                f.accessRows10m = rs.getLong(1);
                f.newestAccessMs = rs.getLong(2);
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.recentHealthChecks(db))) {
                rs.next();
                f.healthRows10m = rs.getLong(1);
                f.newestCheckMs = rs.getLong(2);
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.expectedConnectors(db, tenants))) {
                while (rs.next()) {
                    f.expectedConnectors.add(rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.lastCheckByConnector(db))) {
                while (rs.next()) {
                    f.lastCheckByConnector.put(rs.getString(1), rs.getLong(2));
                }
            }
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.freshnessRecent(db, fromSec))) {
                rs.next();
                f.freshnessRows = rs.getLong(1);
                f.freshnessP95Ms = f.freshnessRows == 0 ? 0 : rs.getDouble(2);
                f.freshnessRows1m = rs.getLong(3);
                f.freshnessP95Ms1m = f.freshnessRows1m == 0 ? 0 : rs.getDouble(4);
            }
        } catch (Exception e) {
            f.error = VerifyText.problem(e, where);
        }
        return f;
    }
}
