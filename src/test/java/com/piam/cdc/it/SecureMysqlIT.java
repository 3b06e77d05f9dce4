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
 * TLS to MariaDB by settings alone (MYSQL_SSL_MODE, MYSQL_CA_FILE), on the local stack's MariaDB with the stack's own
 * certificate (STACK_SECURE=true; `make test` starts its stack so). The runtime logs in as three users the server
 * requires TLS of (REQUIRE SSL: a plain connection of theirs is refused), with the grants of cg_generator, cg_monitor
 * and debezium: the generators, the verifier, the capture's preflight, Debezium's JDBC connection and its binlog
 * reader all work, so each went over TLS. The same users with MYSQL_SSL_MODE=disabled, or with a CA that did not sign
 * the server's certificate, stop start-up naming the setting.
 */
class SecureMysqlIT {

    private final String run = "itm" + UUID.randomUUID().toString().substring(0, 6);
    private final String password = "tls-" + UUID.randomUUID() + "-p) &%'\"{{x}}\\#";
    private final List<RuntimeProcess> runtimes = new ArrayList<>();

    private String user(String role) {
        return run + "_" + role;
    }

    @BeforeEach
    void requireSslUsers() throws Exception {
        try (Connection root = Cloudgate.connect()) {
            String pw = "'" + password.replace("\\", "\\\\").replace("'", "''") + "'";
            for (String role : List.of("gen", "mon", "dbz")) {
                Cloudgate.execute(root, "CREATE USER '" + user(role) + "'@'%' IDENTIFIED BY " + pw + " REQUIRE SSL");
            }
            Cloudgate.execute(root, "GRANT SELECT, INSERT ON cloudgate.* TO '" + user("gen") + "'@'%'");
            Cloudgate.execute(root, "GRANT SELECT ON cloudgate.* TO '" + user("mon") + "'@'%'");
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
        }
    }

    private static File ca() {
        return new File(StackLogins.dataDir(), "tls/ca.pem");
    }

    private RuntimeProcess start(Map<String, String> changes) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run,
                "MYSQL_USER", user("gen"), "MYSQL_MONITOR_USER", user("mon"), "CAPTURE_USER", user("dbz"),
                "MYSQL_SSL_MODE", "verify-full", "MYSQL_CA_FILE", ca().getPath(), "EVENT_RATE_PER_SECOND", "1"));
        env.putAll(Map.of("MYSQL_PASSWORD", password, "MYSQL_MONITOR_PASSWORD", password, "CAPTURE_PASSWORD", password,
                "CAPTURE_SERVER_ID", String.valueOf(200_000 + (int) (Math.random() * 100_000))));
        env.putAll(changes);
        RuntimeProcess r = RuntimeProcess.start(env);
        runtimes.add(r);
        return r;
    }

    @Test
    void everyConnectionToMariaDbGoesOverTlsWithTheCertificateChecked() throws Exception {
        assertThat(ca()).as("the stack's CA (stack.sh up with STACK_SECURE=true)").exists();
        try (Connection root = Cloudgate.connect()) {
            assertThat(Cloudgate.count(root, "SELECT @@have_ssl = 'YES'")).as("MariaDB offers TLS (STACK_SECURE=true)").isEqualTo(1);
        }
        RuntimeProcess runtime = start(Map.of());
        String prefix = run + "-";
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                runtime.log().contains("MYSQL_SSL_MODE=verify-full MYSQL_CA_FILE=" + ca().getPath()) && runtime.log().contains("Started capture-changes"));
        try (Connection db = Cloudgate.connect()) {
            List<Set<String>> sides = Cloudgate.writeAndLoad(db, prefix, 30);
            assertThat(sides.get(1)).as("captured by Debezium over TLS").isEqualTo(sides.get(0)).hasSize(30);
            // the generators write as the REQUIRE SSL user, the verifier reads as the other: both only over TLS
            await().atMost(Duration.ofSeconds(30)).until(() -> Cloudgate.count(db, "SELECT count(*) FROM information_schema.PROCESSLIST "
                    + "WHERE USER IN ('" + user("gen") + "', '" + user("mon") + "', '" + user("dbz") + "')") >= 3);
            Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'");
        }
        assertThat(runtime.log()).doesNotContain(password).doesNotContain("Access denied");
    }

    @Test
    void tlsOffOrAForeignCaStopStartUpNamingTheSetting(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        RuntimeProcess plain = start(Map.of("MYSQL_SSL_MODE", "disabled", "MYSQL_CA_FILE", ""));
        assertThat(plain.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(plain.process.exitValue()).as(plain.log()).isEqualTo(2);
        assertThat(plain.log()).contains("Access denied").contains("REQUIRE SSL").contains("set MYSQL_SSL_MODE").doesNotContain(password);

        File foreign = dir.resolve("foreign-ca.pem").toFile();
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=someone else's CA", "-keyout", dir.resolve("foreign.key").toString(), "-out", foreign.getPath())
                .redirectErrorStream(true).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).isTrue();
        RuntimeProcess wrongCa = start(Map.of("MYSQL_CA_FILE", foreign.getPath()));
        assertThat(wrongCa.process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(wrongCa.process.exitValue()).as(wrongCa.log()).isEqualTo(2);
        assertThat(wrongCa.log()).contains("check MYSQL_SSL_MODE (it is verify-full) and MYSQL_CA_FILE (" + foreign.getPath())
                .doesNotContain(password);
    }
}
