package com.piam.cdc.capture;

import com.piam.cdc.Retry;
import com.piam.cdc.config.MysqlTlsHint;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PipelineSettings.SourceFlavor;
import com.piam.cdc.config.PreflightException;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Checks the source database before capture starts, as the capture user, and fails with a
 * one-line fix: binlog on, binlog_format=ROW, binlog_row_image=FULL, the replication grants.
 * Also settles the source flavor (MySQL or MariaDB) from the server's version.
 */
public final class SourcePreflight {

    private SourcePreflight() {
    }

    /** What the source said: the flavor to capture with, and who the server is ({@link SameSource}). */
    public record Result(SourceFlavor flavor, SameSource.Identity server) {
    }

    /** Checks the source as the capture user. */
    public static Result check(PipelineSettings.Cdc cdc) {
        String url = cdc.mysqlTls().jdbcUrl("jdbc:mariadb://" + cdc.mysqlHost() + ":" + cdc.mysqlPort() + "/?connectTimeout=5000");
        Properties props = new Properties();
        props.setProperty("user", cdc.capture().user());
        props.setProperty("password", cdc.capture().password());
        // MySQL 8's default authentication needs the server key over a plain connection
        props.setProperty("allowPublicKeyRetrieval", "true");
        try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
            String version = single(st, "SELECT VERSION()");
            SourceFlavor detected = version.toLowerCase(Locale.ROOT).contains("mariadb") ? SourceFlavor.MARIADB : SourceFlavor.MYSQL;
            if (cdc.sourceFlavor() != SourceFlavor.AUTO && cdc.sourceFlavor() != detected) {
                throw new PreflightException("SOURCE_FLAVOR=" + cdc.sourceFlavor().name().toLowerCase(Locale.ROOT)
                        + " but " + cdc.mysqlHost() + ":" + cdc.mysqlPort() + " is " + detected.name().toLowerCase(Locale.ROOT)
                        + " (" + version + "); set SOURCE_FLAVOR=" + detected.name().toLowerCase(Locale.ROOT) + " or leave it empty");
            }
            String logBin = single(st, "SELECT @@GLOBAL.log_bin");
            if (!"1".equals(logBin) && !"ON".equalsIgnoreCase(logBin)) {
                throw new PreflightException("the binlog is off on " + where(cdc)
                        + "; start the server with --log-bin and --server-id (ops/local/stack.sh does)");
            }
            expect(st, cdc, "binlog_format", "ROW");
            expect(st, cdc, "binlog_row_image", "FULL");
            checkGrants(st, cdc);
            return new Result(detected, SameSource.Identity.of(c));
        } catch (SQLException e) {
            throw new PreflightException("cannot connect to " + where(cdc) + " as capture user '" + cdc.capture().user() + "': "
                    + Retry.rootMessage(e) + "; " + MysqlTlsHint.hint(cdc.mysqlTls(), Retry.rootMessage(e),
                            "is MySQL/MariaDB up (ops/local/stack.sh up) and are CAPTURE_USER/CAPTURE_PASSWORD right?"));
        }
    }

    private static void expect(Statement st, PipelineSettings.Cdc cdc, String variable, String wanted) throws SQLException {
        String actual = single(st, "SELECT @@GLOBAL." + variable);
        if (!wanted.equalsIgnoreCase(actual)) {
            throw new PreflightException(variable + " is " + actual + " on " + where(cdc) + ", Debezium needs " + wanted
                    + "; run SET GLOBAL " + variable + "='" + wanted + "' (and --" + variable.replace('_', '-') + "=" + wanted
                    + " in the server's options so it survives a restart)");
        }
    }

    private static void checkGrants(Statement st, PipelineSettings.Cdc cdc) throws SQLException {
        List<String> grants = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SHOW GRANTS FOR CURRENT_USER()")) {
            while (rs.next()) {
                grants.add(rs.getString(1).toUpperCase(Locale.ROOT));
            }
        }
        boolean all = grants.stream().anyMatch(g -> g.startsWith("GRANT ALL PRIVILEGES ON *.*"));
        List<String> missing = new ArrayList<>();
        for (String needed : List.of("SELECT", "REPLICATION SLAVE", "REPLICATION CLIENT")) {
            boolean has = all || grants.stream().anyMatch(g -> g.contains(" ON *.*") && hasPrivilege(g, needed));
            if (!has) {
                missing.add(needed);
            }
        }
        if (!missing.isEmpty()) {
            throw new PreflightException("capture user '" + cdc.capture().user() + "' lacks " + String.join(", ", missing)
                    + " on *.* at " + where(cdc) + "; run GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, "
                    + "REPLICATION CLIENT ON *.* TO '" + cdc.capture().user() + "'@'%' (ops/mysql-init/02_grants.sql)");
        }
    }

    /** MariaDB shows REPLICATION SLAVE as "REPLICATION SLAVE" or, since 10.5, "REPLICATION REPLICA"/"BINLOG MONITOR". */
    private static boolean hasPrivilege(String grant, String privilege) {
        String head = grant.substring(0, grant.indexOf(" ON "));
        return switch (privilege) {
            case "REPLICATION SLAVE" -> head.contains("REPLICATION SLAVE") || head.contains("REPLICATION REPLICA");
            case "REPLICATION CLIENT" -> head.contains("REPLICATION CLIENT") || head.contains("BINLOG MONITOR");
            default -> head.contains(privilege);
        };
    }

    private static String single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static String where(PipelineSettings.Cdc cdc) {
        return cdc.mysqlHost() + ":" + cdc.mysqlPort();
    }
}
