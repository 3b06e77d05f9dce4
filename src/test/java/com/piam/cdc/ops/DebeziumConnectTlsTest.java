package com.piam.cdc.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.FileReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 24: the Debezium Connect path (ops/debezium/register-connector.sh) takes TLS and SASL from the runtime's own
 * settings and renders them into the connector's config (RENDER_ONLY=1: printed, nothing contacted), checked statically:
 * every setting the script reads is one the runtime reads, the MySQL modes map onto Debezium's, the Kafka password
 * stays a ${env:…} reference for the worker to resolve, and a plain configuration gets no TLS key.
 */
class DebeziumConnectTlsTest {

    private static final Path SCRIPT = Path.of("ops/debezium/register-connector.sh");
    /** The script's own knobs, not runtime settings. */
    private static final Set<String> SCRIPT_ONLY = Set.of("CONNECT_HOST", "CONFIG_FILE", "RENDER_ONLY", "RENDERED", "CONNECTOR_NAME");

    private record Result(int exit, String out, String err) {
    }

    private static Result render(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
        for (String k : new TreeSet<>(pb.environment().keySet())) {
            if (k.startsWith("MYSQL_") || k.startsWith("KAFKA_")) {
                pb.environment().remove(k); // the tests' own stack settings must not leak in
            }
        }
        pb.environment().put("RENDER_ONLY", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out, err);
    }

    @Test
    void theRuntimesTlsAndSaslSettingsAreRenderedForTheConnector() throws Exception {
        Result r = render(Map.of("MYSQL_SSL_MODE", "verify-full", "MYSQL_CA_FILE", "/certs/ca.pem",
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_USER", "piam",
                "KAFKA_CA_FILE", "/certs/kafka-ca.pem", "KAFKA_PASSWORD", "never-rendered-6b3e"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("never-rendered-6b3e");
        JsonNode c = new ObjectMapper().readTree(r.out()).path("config");
        assertThat(c.path("database.ssl.mode").asText()).isEqualTo("verify_identity");
        assertThat(c.path("database.ssl.truststore").asText()).isEqualTo("/certs/ca.p12");
        for (String client : new String[] {"producer", "consumer"}) {
            String p = "schema.history.internal." + client + ".";
            assertThat(c.path(p + "security.protocol").asText()).isEqualTo("SASL_SSL");
            assertThat(c.path(p + "sasl.mechanism").asText()).isEqualTo("SCRAM-SHA-512");
            assertThat(c.path(p + "sasl.jaas.config").asText()).isEqualTo(
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"piam\" password=\"${env:KAFKA_PASSWORD}\";");
            assertThat(c.path(p + "ssl.truststore.type").asText()).isEqualTo("PEM");
            assertThat(c.path(p + "ssl.truststore.location").asText()).isEqualTo("/certs/kafka-ca.pem");
        }
        assertThat(c.path("database.password").asText()).isEqualTo("${env:CAPTURE_PASSWORD}");

        assertThat(new ObjectMapper().readTree(render(Map.of("MYSQL_SSL_MODE", "verify-ca")).out())
                .path("config").path("database.ssl.mode").asText()).isEqualTo("verify_ca");
        assertThat(new ObjectMapper().readTree(render(Map.of("MYSQL_SSL_MODE", "required")).out())
                .path("config").path("database.ssl.mode").asText()).isEqualTo("required");
    }

    @Test
    void plainSettingsRenderNoTlsKeyAndPreferredIsRefused() throws Exception {
        Result plain = render(Map.of());
        assertThat(plain.exit()).isZero();
        assertThat(new ObjectMapper().readTree(plain.out()).path("config").fieldNames()).toIterable()
                .noneMatch(k -> k.contains("ssl") || k.contains("sasl") || k.contains("security"));
        Result preferred = render(Map.of("MYSQL_SSL_MODE", "preferred"));
        assertThat(preferred.exit()).isEqualTo(2);
        assertThat(preferred.err()).contains("MYSQL_SSL_MODE='preferred'").contains("verify-full");
    }

    @Test
    void everySettingTheScriptReadsIsOneTheRuntimeReads() throws Exception {
        Properties known = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            known.load(in);
        }
        Properties demo = new Properties();
        try (FileReader in = new FileReader(".env.example", StandardCharsets.UTF_8)) {
            demo.load(in);
        }
        Matcher m = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)").matcher(Files.readString(SCRIPT));
        Set<String> read = new TreeSet<>();
        while (m.find()) {
            read.add(m.group(1));
        }
        read.removeAll(SCRIPT_ONLY);
        assertThat(read).contains("MYSQL_SSL_MODE", "MYSQL_CA_FILE", "KAFKA_SECURITY_PROTOCOL", "KAFKA_USER", "KAFKA_CA_FILE");
        for (String name : read) {
            assertThat(known.containsKey(name) || demo.containsKey(name))
                    .as(name + " read by register-connector.sh is a runtime setting (application.properties or .env.example)")
                    .isTrue();
        }
    }
}
