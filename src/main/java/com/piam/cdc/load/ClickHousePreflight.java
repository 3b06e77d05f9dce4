package com.piam.cdc.load;

import com.piam.cdc.Retry;
import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.config.PreflightException;
import com.piam.cdc.domain.PipelineTable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** Checks ClickHouse answers and holds the fact tables the loaders write. */
public final class ClickHousePreflight {

    private ClickHousePreflight() {
    }

    public static void check(DataSource clickHouse, String database) {
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement()) {
            for (PipelineTable t : PipelineTable.values()) {
                String table = t.fact;
                try (ResultSet rs = st.executeQuery(t == PipelineTable.ACCESS_EVENTS ? ClickHouseQueries.accessEventsTableExists(database)
                        : ClickHouseQueries.connectorHealthTableExists(database))) {
                    if (!rs.next() || rs.getInt(1) != 1) {
                        throw new PreflightException("ClickHouse table " + database + "." + table
                                + " does not exist; apply ops/clickhouse-init/*.sql (ops/local/stack.sh up does)");
                    }
                }
            }
            // a column added after the table was first created (a Docker volume from before, say)
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.healthSourceIdColumn(database))) {
                if (!rs.next() || rs.getInt(1) != 1) {
                    throw new PreflightException("ClickHouse table " + database + ".fact_connector_health has no column source_id; "
                            + "run ALTER TABLE " + database + ".fact_connector_health ADD COLUMN source_id UInt64 DEFAULT 0 "
                            + "(ops/local/stack.sh up does)");
                }
            }
        } catch (PreflightException e) {
            throw e;
        } catch (Exception e) {
            String m = Retry.rootMessage(e);
            if (m.contains("Code: 81,")) {
                throw new PreflightException("ClickHouse database " + database + " does not exist; apply ops/clickhouse-init/*.sql "
                        + "(ops/local/stack.sh up does) or set CLICKHOUSE_DATABASE to the right one");
            }
            if (m.matches("(?s).*Code: (291|497),.*")) {
                throw new PreflightException("ClickHouse refused the loader's access to " + database + ": " + m
                        + "; check CLICKHOUSE_DATABASE, or give CLICKHOUSE_USER its grants (docs/security.md)");
            }
            if (m.matches("(?s).*Code: (192|193|194|516),.*")) {
                throw new PreflightException("ClickHouse refused the login: " + m + "; check CLICKHOUSE_USER and CLICKHOUSE_PASSWORD");
            }
            String lower = m.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("ssl") || lower.contains("tls") || lower.contains("certif") || lower.contains("handshake")
                    || lower.contains("pkix") || lower.contains("sslrootcert")) {
                throw new PreflightException("ClickHouse's TLS failed: " + m + "; check CLICKHOUSE_SSL_MODE, CLICKHOUSE_CA_FILE (the CA "
                        + "that signed the server's certificate) and CLICKHOUSE_PORT (the server's https_port)");
            }
            throw new PreflightException("ClickHouse is not reachable: " + m
                    + "; is it up (ops/local/stack.sh up clickhouse) and is CLICKHOUSE_JDBC_URL right (with CLICKHOUSE_SSL_MODE="
                    + "verify-full: CLICKHOUSE_PORT the server's https_port)?");
        }
    }
}
