package com.piam.cdc.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline on the secured local stack (STACK_SECURE=true; `make test` starts its stack so), by settings
 * alone: MariaDB over TLS (MYSQL_SSL_MODE=verify-full, MYSQL_CA_FILE) as three users the server requires TLS of (REQUIRE
 * SSL: any plain connection of theirs is refused) with the grants of cg_generator, cg_monitor and debezium; Kafka over
 * SASL_SSL with SCRAM; ClickHouse over HTTPS (CLICKHOUSE_SSL_MODE=verify-full, its https_port). Rows arrive once each
 * (key sets), the verifier says HEALTHY with reconciliation in sync, and make trace finds a row through the same
 * settings. A password with awkward characters travels through the environment. TLS off for such users, a CA that did
 * not sign MariaDB's or ClickHouse's certificate, and plain HTTP at ClickHouse's HTTPS port stop start-up naming the
 * setting.
 */
class SecureStackIT {

    private final String run = "itm" + UUID.randomUUID().toString().substring(0, 6);
    private final String password = "tls-" + UUID.randomUUID() + "-p) &%'\"{{x}}\\#";
    private final List<RuntimeProcess> runtimes = new ArrayList<>();

    private String user(String role) {
        return run + "_" + role;
    }

    @BeforeEach
    void requireSslUsers() throws Exception {
        // a tenant of its own: reconciliation compares only this test's rows from its first minute on
        TestTenant.copyOfAcme(run);
        try (Connection root = Cloudgate.connect()) {
            ExistingSource.create(root, run); // a source database of its own: its first snapshot, reconciliation and rows are its own
            String pw = "'" + password.replace("\\", "\\\\").replace("'", "''") + "'";
            for (String role : List.of("gen", "mon", "dbz")) {
                Cloudgate.execute(root, "CREATE USER '" + user(role) + "'@'%' IDENTIFIED BY " + pw + " REQUIRE SSL");
            }
            Cloudgate.execute(root, "GRANT SELECT, INSERT ON " + run + ".* TO '" + user("gen") + "'@'%'");
            Cloudgate.execute(root, "GRANT SELECT ON " + run + ".* TO '" + user("mon") + "'@'%'");
            Cloudgate.execute(root, "GRANT REPLICATION CLIENT ON *.* TO '" + user("mon") + "'@'%'");
            Cloudgate.execute(root, "GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO '"
                    + user("dbz") + "'@'%'");
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (RuntimeProcess r : runtimes) {
            r.kill();
        }
        try (Connection root = Cloudgate.connect()) {
            for (String role : List.of("gen", "mon", "dbz")) {
                Cloudgate.execute(root, "DROP USER IF EXISTS '" + user(role) + "'@'%'");
            }
            Cloudgate.execute(root, "DROP DATABASE IF EXISTS " + run);
        }
        TestTenant.drop(run);
    }

    private static File ca() {
        return new File(StackLogins.dataDir(), "tls/ca.pem");
    }

    /** Every service secured: the settings a user would give for managed MySQL, Kafka and ClickHouse. */
    private Map<String, String> secured() {
        Map<String, String> env = new HashMap<>(Map.of("KAFKA_BOOTSTRAP", "127.0.0.1:" + StackLogins.port("KAFKA_SECURE_PORT"),
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_USER", "piam",
                "KAFKA_CA_FILE", ca().getPath(), "CLICKHOUSE_SSL_MODE", "verify-full", "CLICKHOUSE_CA_FILE", ca().getPath(),
                "CLICKHOUSE_PORT", String.valueOf(StackLogins.port("CLICKHOUSE_HTTPS_PORT"))));
        env.put("RECONCILE_GRACE_SECONDS", "10");
        env.put("MYSQL_DATABASE", run);
        env.put("TENANTS", run);
        env.put("RECONCILE_INTERVAL_SECONDS", "5");
        return env;
    }

    private RuntimeProcess start(Map<String, String> changes) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run,
                "MYSQL_USER", user("gen"), "MYSQL_MONITOR_USER", user("mon"), "CAPTURE_USER", user("dbz"),
                "MYSQL_SSL_MODE", "verify-full", "MYSQL_CA_FILE", ca().getPath(), "EVENT_RATE_PER_SECOND", "5"));
        env.putAll(Map.of("MYSQL_PASSWORD", password, "MYSQL_MONITOR_PASSWORD", password, "CAPTURE_PASSWORD", password,
                "CAPTURE_SERVER_ID", String.valueOf(200_000 + (int) (Math.random() * 100_000))));
        env.putAll(secured());
        env.putAll(changes);
        RuntimeProcess r = RuntimeProcess.start(env);
        runtimes.add(r);
        return r;
    }

    @Test
    void theWholePipelineRunsWithEveryConnectionEncrypted() throws Exception {
        assertThat(ca()).as("the stack's CA (stack.sh up with STACK_SECURE=true)").exists();
        try (Connection root = Cloudgate.connect()) {
            assertThat(Cloudgate.count(root, "SELECT @@have_ssl = 'YES'")).as("MariaDB offers TLS (STACK_SECURE=true)").isEqualTo(1);
        }
        RuntimeProcess runtime = start(Map.of());
        String prefix = run + "-";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                runtime.log().contains("MYSQL_SSL_MODE=verify-full MYSQL_CA_FILE=" + ca().getPath()) && runtime.log().contains("Started capture-changes"));
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.execute(db, "USE " + run);
            List<Set<String>> sides = Cloudgate.writeAndLoad(db, prefix, 30);
            assertThat(sides.get(1)).as("captured by Debezium over TLS").isEqualTo(sides.get(0)).hasSize(30);
            // the generators write as the REQUIRE SSL user, the verifier reads as the other: both only over TLS
            await().atMost(Duration.ofSeconds(30)).until(() -> Cloudgate.count(db, "SELECT count(*) FROM information_schema.PROCESSLIST "
                    + "WHERE USER IN ('" + user("gen") + "', '" + user("mon") + "', '" + user("dbz") + "')") >= 3);
            await().alias("HEALTHY with reconciliation in sync").atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3))
                    .until(() -> {
                        com.fasterxml.jackson.databind.JsonNode verdict = new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(runtime.get("/observe/pipeline?refresh=true"));
                        for (com.fasterxml.jackson.databind.JsonNode stage : verdict.path("stages")) {
                            if (stage.path("stage").asText().equals("reconcile")) {
                                return verdict.path("status").asText().equals("HEALTHY") && stage.path("reasons").isEmpty()
                                        && stage.path("facts").path("source_rows").asLong() >= 20;
                            }
                        }
                        return false;
                    });
            assertThat(runtime.log()).contains("CLICKHOUSE=piam_loader@jdbc:clickhouse:https://127.0.0.1:"
                    + StackLogins.port("CLICKHOUSE_HTTPS_PORT"));
            // make trace, with the same settings
            Map<String, String> traceEnv = new HashMap<>(secured());
            traceEnv.putAll(Map.of("ID", prefix + "7", "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run, "MYSQL_MONITOR_USER", user("mon"),
                    "MYSQL_MONITOR_PASSWORD", password, "MYSQL_SSL_MODE", "verify-full", "MYSQL_CA_FILE", ca().getPath()));
            ProcessBuilder pb = new ProcessBuilder("java", "-cp", new File("target/piam-cdc.jar").getAbsolutePath(),
                    "com.piam.cdc.tools.TraceCommand").redirectErrorStream(true);
            pb.environment().putAll(traceEnv);
            Process trace = pb.start();
            String traced = new String(trace.getInputStream().readAllBytes());
            assertThat(trace.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(traced).as(traced).contains(prefix + "7").contains("ClickHouse").doesNotContain(password);
            assertThat(trace.exitValue()).as(traced).isZero();
            Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'");
        }
        assertThat(runtime.log()).doesNotContain(password).doesNotContain("Access denied");
    }

    @Test
    void tlsOffOrAForeignCaStopStartUpNamingTheSetting(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        File foreign = dir.resolve("foreign-ca.pem").toFile();
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=someone else's CA", "-keyout", dir.resolve("foreign.key").toString(), "-out", foreign.getPath())
                .redirectErrorStream(true).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).isTrue();
        // the four start side by side (each stops in its preflight)
        RuntimeProcess plainHttp = start(Map.of("CLICKHOUSE_SSL_MODE", "disabled", "CLICKHOUSE_CA_FILE", ""));
        RuntimeProcess plain = start(Map.of("MYSQL_SSL_MODE", "disabled", "MYSQL_CA_FILE", ""));
        RuntimeProcess wrongCa = start(Map.of("MYSQL_CA_FILE", foreign.getPath()));
        RuntimeProcess wrongClickHouseCa = start(Map.of("CLICKHOUSE_CA_FILE", foreign.getPath()));

        assertThat(plainHttp.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(plainHttp.process.exitValue()).as(plainHttp.log()).isEqualTo(2);
        assertThat(plainHttp.log()).contains("piam-cdc: Preflight failed: ClickHouse").contains("CLICKHOUSE_SSL_MODE");

        assertThat(plain.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(plain.process.exitValue()).as(plain.log()).isEqualTo(2);
        assertThat(plain.log()).contains("Access denied").contains("REQUIRE SSL").contains("set MYSQL_SSL_MODE").doesNotContain(password);

        assertThat(wrongCa.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(wrongCa.process.exitValue()).as(wrongCa.log()).isEqualTo(2);
        assertThat(wrongCa.log()).contains("check MYSQL_SSL_MODE (it is verify-full) and MYSQL_CA_FILE (" + foreign.getPath())
                .doesNotContain(password);

        assertThat(wrongClickHouseCa.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(wrongClickHouseCa.process.exitValue()).as(wrongClickHouseCa.log()).isEqualTo(2);
        assertThat(wrongClickHouseCa.log()).contains("piam-cdc: Preflight failed: ClickHouse's TLS failed")
                .contains("check CLICKHOUSE_SSL_MODE, CLICKHOUSE_CA_FILE");
    }
}
