package com.piam.cdc.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
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
 * Kafka by settings alone, on the local stack's SASL_SSL listener (STACK_SECURE=true: SCRAM user piam, certificate
 * of the stack's own CA; `make test` starts its stack so). The whole CDC path runs, as a SCRAM user of the test's own
 * whose password holds every awkward character (given through the environment), with every Kafka client of the
 * runtime over that listener — checked on the runtime's sockets, none to the PLAINTEXT port —, and a wrong password,
 * a mechanism the broker does not enable and a CA that did not sign the broker's certificate each stop start-up with
 * the setting to change, writing nothing.
 */
class SecureKafkaIT {

    private final String run = "itk" + UUID.randomUUID().toString().substring(0, 6);
    private final List<RuntimeProcess> runtimes = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (RuntimeProcess r : runtimes) {
            r.kill();
        }
    }

    private static String secureBootstrap() {
        return "127.0.0.1:" + StackLogins.port("KAFKA_SECURE_PORT");
    }

    private static File ca() {
        return new File(StackLogins.dataDir(), "tls/ca.pem");
    }

    private RuntimeProcess start(Map<String, String> changes) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run,
                "KAFKA_BOOTSTRAP", secureBootstrap(), "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_USER", "piam", "KAFKA_CA_FILE", ca().getPath(), "EVENT_RATE_PER_SECOND", "1", "FLUSH_INTERVAL_SECONDS", "1"));
        env.put("HEALTH_INTERVAL_SECONDS", "3600");
        env.putAll(changes);
        RuntimeProcess r = RuntimeProcess.start(env);
        runtimes.add(r);
        return r;
    }

    /** The remote ports of the runtime's established TCP connections (ss). */
    private static Set<Integer> remotePorts(RuntimeProcess r) throws Exception {
        Process ss = new ProcessBuilder("ss", "-tnpH", "state", "established").redirectErrorStream(true).start();
        String out = new String(ss.getInputStream().readAllBytes());
        ss.waitFor(10, TimeUnit.SECONDS);
        Set<Integer> ports = new HashSet<>();
        for (String line : out.split("\n")) {
            if (line.contains("pid=" + r.process.pid() + ",")) {
                String[] cols = line.trim().split("\\s+");
                String peer = cols[3];
                ports.add(Integer.parseInt(peer.substring(peer.lastIndexOf(':') + 1)));
            }
        }
        return ports;
    }

    /** A SCRAM user of the test's own with an awkward password, made over the broker's PLAINTEXT listener. */
    private String scramUser(String password) throws Exception {
        String user = run + "-user";
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", StackLogins.kafkaBootstrap()))) {
            admin.alterUserScramCredentials(List.of(new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(user,
                    new org.apache.kafka.clients.admin.ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192),
                    password))).all().get(30, TimeUnit.SECONDS);
        }
        return user;
    }

    @Test
    void theWholePathRunsOverSaslSslWithScramAndNoClientUsesThePlainListener() throws Exception {
        assertThat(ca()).as("the stack's CA (stack.sh up with STACK_SECURE=true)").exists();
        // a password with every awkward character, through the environment
        String password = "k) &%'\"{{x}}#ö " + UUID.randomUUID() + "\\";
        String user = scramUser(password);
        RuntimeProcess runtime = start(Map.of("KAFKA_USER", user, "KAFKA_PASSWORD", password));
        String prefix = run + "-";
        try (Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> runtime.log().contains("KAFKA=" + secureBootstrap() + " (SASL_SSL, SCRAM-SHA-512 as " + user + ")")
                            && runtime.log().contains("Started capture-changes"));
            List<Set<String>> sides = Cloudgate.writeAndLoad(db, prefix, 50);
            assertThat(sides.get(1)).as("every row once, over SASL_SSL").isEqualTo(sides.get(0)).hasSize(50);
            Set<Integer> ports = remotePorts(runtime);
            assertThat(ports).as("the runtime's connections").contains(StackLogins.port("KAFKA_SECURE_PORT"))
                    .doesNotContain(StackLogins.port("KAFKA_PORT"));
            assertThat(runtime.log()).doesNotContain(password).doesNotContain(StackLogins.password("KAFKA_PASSWORD"));
            Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id LIKE '" + prefix + "%'");
        }
    }

    @Test
    void aWrongPasswordAMechanismTheBrokerLacksAndAForeignCaEachStopStartUpNamingTheSetting(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path wrong = Files.writeString(dir.resolve("kafka-password"), "not-the-password\n");
        assertRefused(start(Map.of("KAFKA_PASSWORD_FILE", wrong.toString())), "refused the login", "check KAFKA_USER, KAFKA_PASSWORD");
        assertRefused(start(Map.of("KAFKA_SASL_MECHANISM", "PLAIN")), "refused the login", "KAFKA_SASL_MECHANISM (one the broker enables)");
        Path foreign = dir.resolve("foreign-ca.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=someone else's CA", "-keyout", dir.resolve("foreign.key").toString(), "-out", foreign.toString())
                .redirectErrorStream(true).start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0).as("openssl made a CA").isTrue();
        assertRefused(start(Map.of("KAFKA_CA_FILE", foreign.toString())), "the TLS handshake failed", "KAFKA_CA_FILE");
        // nothing written: the refused runtimes made none of their topics
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", StackLogins.kafkaBootstrap()))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).noneMatch(t -> t.startsWith(run + "."));
        }
    }

    private static void assertRefused(RuntimeProcess runtime, String... words) throws Exception {
        assertThat(runtime.process.waitFor(120, TimeUnit.SECONDS)).as("stopped").isTrue();
        String log = runtime.log();
        assertThat(runtime.process.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("piam-cdc: Preflight failed: Kafka at " + secureBootstrap() + " (SASL_SSL").contains(words)
                .doesNotContain(StackLogins.password("KAFKA_PASSWORD"));
    }
}
