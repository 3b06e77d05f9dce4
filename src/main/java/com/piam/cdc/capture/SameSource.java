package com.piam.cdc.capture;

import com.piam.cdc.Retry;
import com.piam.cdc.config.PreflightException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The capture reads the server named by MYSQL_HOST/MYSQL_PORT; the generators, the verifier and reconciliation use
 * MYSQL_JDBC_URL. If the two name different servers, the verifier compares ClickHouse with a database the capture
 * never reads. At start-up both are asked who they are ({@code @@server_id}, {@code @@hostname}, {@code @@port}) and
 * start-up stops naming both settings when they differ.
 */
public final class SameSource {

    /** Who a MySQL/MariaDB server says it is. */
    public record Identity(long serverId, String hostname, int port) {

        static Identity of(Connection c) throws SQLException {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id, @@hostname, @@port")) {
                rs.next();
                return new Identity(rs.getLong(1), rs.getString(2), rs.getInt(3));
            }
        }

        @Override
        public String toString() {
            return "server_id " + serverId + " on host " + hostname + " port " + port;
        }
    }

    private SameSource() {
    }

    /**
     * Stops start-up when {@code jdbc} (MYSQL_JDBC_URL) reaches another server than the capture's; {@code capture}
     * is what the capture's own connection said ({@link SourcePreflight#check}).
     */
    public static void require(Identity capture, String captureAddress, DataSource jdbc, String jdbcUrl) {
        Identity other;
        try (Connection c = jdbc.getConnection()) {
            other = Identity.of(c);
        } catch (SQLException e) {
            throw new PreflightException("cannot ask the MySQL of MYSQL_JDBC_URL=" + jdbcUrl + " who it is: " + Retry.rootMessage(e));
        }
        String problem = compare(capture, captureAddress, other, jdbcUrl);
        if (problem != null) {
            throw new PreflightException(problem);
        }
    }

    /** Null when both are the same server; otherwise the message naming both settings and what each reached. */
    static String compare(Identity capture, String captureAddress, Identity jdbc, String jdbcUrl) {
        if (capture.equals(jdbc)) {
            return null;
        }
        return "MYSQL_HOST/MYSQL_PORT (" + captureAddress + ", read by the capture) and MYSQL_JDBC_URL (" + jdbcUrl
                + ", used by the generators, the verifier and reconciliation) reach two different servers: " + capture
                + " and " + jdbc + "; point both at the server the capture should read";
    }
}
