package com.piam.cdc.verify;

import com.piam.cdc.Retry;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the source's facts as the monitor user: the newest access event's age and, when this runtime
 * captures, the binlog position, the binlog files the source keeps and their expiry.
 */
final class MysqlProbe {

    /**
     * {@code error} set when MySQL did not answer; {@code newestRowAgeMs} null when there is no row;
     * {@code binlogFiles} empty and {@code expirySeconds} -1 when not read (or not readable: {@code binlogError}).
     */
    record Facts(String error, Long newestRowAgeMs, String serverBinlog, List<BinlogRunway.File> binlogFiles, long expirySeconds,
            String binlogError) {

        Facts(String error, Long newestRowAgeMs, String serverBinlog) {
            this(error, newestRowAgeMs, serverBinlog, List.of(), -1, "");
        }
    }

    private final DataSource monitor;
    private final String where;
    private final boolean binlog;

    /** {@code binlog}: read the server's binlog position too (when this runtime captures). */
    MysqlProbe(DataSource monitor, String where, boolean binlog) {
        this.monitor = monitor;
        this.where = where;
        this.binlog = binlog;
    }

    Facts read() {
        try (Connection c = monitor.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(PipelineVerifier.TIMEOUT_SECONDS);
            Long age = null;
            // one loose index scan per tenant (idx_tenant_time), not a table scan
            try (ResultSet rs = st.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, MAX(t), UTC_TIMESTAMP(6)) DIV 1000 FROM "
                    + "(SELECT MAX(event_time) t FROM cg_access_event GROUP BY tenant_id) x")) {
                if (rs.next()) {
                    long v = rs.getLong(1);
                    age = rs.wasNull() ? null : Math.max(0, v);
                }
            }
            if (!binlog) {
                return new Facts(null, age, "");
            }
            String position = "";
            List<BinlogRunway.File> files = new ArrayList<>();
            long expiry = -1;
            String binlogError = "";
            try {
                try (ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
                    if (rs.next()) {
                        position = rs.getString(1) + ":" + rs.getLong(2);
                    }
                }
                try (ResultSet rs = st.executeQuery("SHOW BINARY LOGS")) {
                    while (rs.next()) {
                        files.add(new BinlogRunway.File(rs.getString(1), rs.getLong(2)));
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT @@GLOBAL.binlog_expire_logs_seconds")) {
                    expiry = rs.next() ? rs.getLong(1) : -1;
                }
            } catch (SQLException e) {
                binlogError = Retry.rootMessage(e);
                position = position.isEmpty() ? "unknown (" + binlogError + ")" : position;
            }
            return new Facts(null, age, position, List.copyOf(files), expiry, binlogError);
        } catch (Exception e) {
            return new Facts(VerifyText.problem(e, where), null, "");
        }
    }
}
