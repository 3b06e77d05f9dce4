package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The CDC path refuses to start against a source it cannot capture from, naming the fix. */
class PreflightIT {

    static void rootSql(String sql) throws Exception {
        String data = System.getenv().getOrDefault("PIAM_DATA_DIR", ".local");
        Process p = new ProcessBuilder("mariadb", "--no-defaults", "--socket=" + new File(data, "run/mysql.sock").getAbsolutePath(),
                "-uroot", "-e", sql).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("mariadb -e " + sql).isZero();
    }

    @Test
    void statementBinlogFormatIsRefusedWithTheFix() throws Exception {
        rootSql("SET GLOBAL binlog_format = 'STATEMENT'");
        try {
            RuntimeProcess runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "cdc"));
            assertThat(runtime.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.process.exitValue()).isEqualTo(2);
            assertThat(runtime.log()).contains("piam-cdc: Preflight failed: binlog_format is STATEMENT on "
                    + "127.0.0.1:" + StackLogins.port("MYSQL_PORT") + ", Debezium needs ROW; run SET GLOBAL binlog_format='ROW'");
        } finally {
            rootSql("SET GLOBAL binlog_format = 'ROW'");
        }
    }

    @Test
    void aWrongGeneratorPasswordStopsStartUpNamingTheUser() throws Exception {
        RuntimeProcess runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "cdc", "MYSQL_PASSWORD", "wrong-pw-7"));
        assertThat(runtime.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.process.exitValue()).isEqualTo(2);
        assertThat(runtime.log()).contains("piam-cdc: Preflight failed: the generators cannot use MySQL as MYSQL_USER='cg_generator'",
                "Access denied", "check MYSQL_USER/MYSQL_PASSWORD").doesNotContain("wrong-pw-7");
    }

    /** TLS asked of a broker that speaks plain text (KAFKA_SECURITY_PROTOCOL=SSL at the local stack's listener): start-up stops naming it. */
    @Test
    void kafkaOverTlsAtAPlainListenerStopsStartUpNamingTheTlsSettings() throws Exception {
        RuntimeProcess runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "cdc", "KAFKA_SECURITY_PROTOCOL", "SSL"));
        assertThat(runtime.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.process.exitValue()).as(runtime.log()).isEqualTo(2);
        assertThat(runtime.log()).contains("piam-cdc: Preflight failed: Kafka at " + StackLogins.kafkaBootstrap() + " (SSL)",
                "check KAFKA_SECURITY_PROTOCOL");
    }

    /**
     * MYSQL_JDBC_URL naming another server than MYSQL_HOST/MYSQL_PORT (the verifier would compare the wrong database):
     * a second, real MariaDB of the local stack's kind on another port, with the same schema and logins.
     */
    @Test
    void aJdbcUrlReachingAnotherServerThanTheCaptureStopsStartUpNamingBoth() throws Exception {
        Path other = Files.createTempDirectory("piam-other-mysql");
        int port = 3316;
        Map<String, String> otherStack = Map.of("PIAM_DATA_DIR", other.toString(), "MYSQL_PORT", String.valueOf(port));
        otherStack("up", otherStack);
        try {
            String url = "jdbc:mariadb://127.0.0.1:" + port + "/cloudgate";
            RuntimeProcess runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "cdc", "MYSQL_JDBC_URL", url));
            assertThat(runtime.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(runtime.process.exitValue()).as(runtime.log()).isEqualTo(2);
            assertThat(runtime.log()).contains("piam-cdc: Preflight failed: MYSQL_HOST/MYSQL_PORT (127.0.0.1:" + StackLogins.port("MYSQL_PORT") + ", read by the capture) "
                    + "and MYSQL_JDBC_URL (" + url + ", used by the generators, the verifier and reconciliation) reach two different "
                    + "servers: ", " port " + StackLogins.port("MYSQL_PORT") + " and server_id ", " port " + port + "; point both at the server the capture should read");
        } finally {
            otherStack("down", otherStack);
            try (var files = Files.walk(other)) { // 110 MB of a fresh datadir
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    private static void otherStack(String action, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(new File("ops/local/stack.sh").getAbsolutePath(), action, "mysql").inheritIO();
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("stack.sh " + action + " mysql finished").isTrue();
        assertThat(p.exitValue()).as("stack.sh " + action + " mysql (" + env + ")").isZero();
    }

    @Test
    void directModeChecksClickHouseAtStart() throws Exception {
        // as the admin, who may see every database: the loader would only be told it has no access
        RuntimeProcess runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "direct", "CLICKHOUSE_DATABASE", "piam_missing",
                "CLICKHOUSE_USER", "piam_admin", "CLICKHOUSE_PASSWORD", StackLogins.password("CLICKHOUSE_ADMIN_PASSWORD")));
        assertThat(runtime.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(runtime.process.exitValue()).isEqualTo(2);
        assertThat(runtime.log()).contains("piam-cdc: Preflight failed: ClickHouse database piam_missing does not exist; apply ops/clickhouse-init/*.sql");
    }
}
