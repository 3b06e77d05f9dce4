package com.piam.cdc.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaConnectionTest {

    private static final String AWKWARD = "p) &%'\"\\# wörd";

    private static KafkaConnection read(String... keyValues) throws Exception {
        Map<String, String> m = PipelineSettingsTest.defaults();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return PipelineSettings.from(m::get).cdc().kafka();
    }

    @Test
    void plaintextByDefaultNothingButTheBrokers() throws Exception {
        KafkaConnection k = read();
        assertThat(k.security()).isEmpty();
        assertThat(k.properties()).containsOnly(Map.entry("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(k.describe()).isEqualTo("127.0.0.1:9092");
    }

    @Test
    void saslOverTlsWithAnyPasswordAndACaFile(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Path password = Files.writeString(dir.resolve("kafka-password"), AWKWARD + "\n");
        KafkaConnection k = read("KAFKA_BOOTSTRAP", "kafka.example.com:9096", "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512", "KAFKA_USER", "piam", "KAFKA_PASSWORD_FILE", password.toString(),
                "KAFKA_CA_FILE", ca.toString());
        assertThat(k.properties()).containsEntry("bootstrap.servers", "kafka.example.com:9096")
                .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"piam\" "
                        + "password=\"p) &%'\\\"\\\\# wörd\";")
                .containsEntry("ssl.truststore.type", "PEM").containsEntry("ssl.truststore.location", ca.toString());
        assertThat(k.describe()).isEqualTo("kafka.example.com:9096 (SASL_SSL, SCRAM-SHA-512 as piam)");
        assertThat(k.toString()).doesNotContain("wörd");
        assertThat(KafkaConnection.fromConfig(Map.copyOf(k.asConfig("piam.offsets.")), "piam.offsets.").properties())
                .as("handed through Debezium's config and back").isEqualTo(k.properties());
    }

    @Test
    void plainSaslTakesThePlainLoginModule() throws Exception {
        KafkaConnection k = read("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_USER", "u",
                "KAFKA_PASSWORD", "x");
        assertThat(k.security().get("sasl.jaas.config")).startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required");
        assertThat(k.security()).doesNotContainKey("ssl.truststore.location");
    }

    @Test
    void settingsThatCannotWorkStopStartUpNamingTheSetting() {
        assertThatThrownBy(() -> read("KAFKA_SECURITY_PROTOCOL", "TLS")).hasMessageContaining("KAFKA_SECURITY_PROTOCOL='TLS'")
                .hasMessageContaining("PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        assertThatThrownBy(() -> read("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_USER", "u", "KAFKA_PASSWORD", "x"))
                .hasMessageContaining("KAFKA_SASL_MECHANISM").hasMessageContaining("PLAIN, SCRAM-SHA-256, SCRAM-SHA-512");
        assertThatThrownBy(() -> read("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-1", "KAFKA_USER", "u",
                "KAFKA_PASSWORD", "x")).hasMessageContaining("KAFKA_SASL_MECHANISM='SCRAM-SHA-1'");
        assertThatThrownBy(() -> read("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "PLAIN", "KAFKA_USER", "u",
                "KAFKA_PASSWORD", "")).hasMessageContaining("KAFKA_PASSWORD");
        assertThatThrownBy(() -> read("KAFKA_SASL_MECHANISM", "PLAIN")).hasMessageContaining("KAFKA_SASL_MECHANISM='PLAIN'")
                .hasMessageContaining("needs KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT");
        assertThatThrownBy(() -> read("KAFKA_SECURITY_PROTOCOL", "SSL", "KAFKA_CA_FILE", "/nonexistent/ca.pem"))
                .hasMessageContaining("KAFKA_CA_FILE='/nonexistent/ca.pem'").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> read("KAFKA_CA_FILE", "/etc/hostname")).hasMessageContaining("needs KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL");
    }
}
