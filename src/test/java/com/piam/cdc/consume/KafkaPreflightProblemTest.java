package com.piam.cdc.consume;

import com.piam.cdc.config.KafkaConnection;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaPreflightProblemTest {

    private static final KafkaConnection SASL = new KafkaConnection("k:9096", Map.of("security.protocol", "SASL_SSL",
            "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", "x password=\"secret\";"), "k:9096 (SASL_SSL, SCRAM-SHA-512 as piam)");

    @Test
    void aRefusedLoginNamesTheLoginSettingsAndTheServersWords() {
        String p = KafkaPreflight.problem(new ExecutionException(new SaslAuthenticationException(
                "Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512")), SASL);
        assertThat(p).startsWith("Kafka at k:9096 (SASL_SSL, SCRAM-SHA-512 as piam) refused the login: SaslAuthenticationException: "
                + "Authentication failed during authentication due to invalid credentials").contains("KAFKA_USER", "KAFKA_PASSWORD",
                "KAFKA_SASL_MECHANISM").doesNotContain("secret");
    }

    @Test
    void aFailedHandshakeNamesTheTlsSettings() {
        String p = KafkaPreflight.problem(new ExecutionException(new SslAuthenticationException("SSL handshake failed",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed"))), SASL);
        assertThat(p).contains("the TLS handshake failed: SSLHandshakeException: PKIX path building failed", "KAFKA_SECURITY_PROTOCOL",
                "KAFKA_CA_FILE");
    }

    @Test
    void aSecuredClientThatHearsNothingIsToldAboutTheProtocol() {
        assertThat(KafkaPreflight.problem(new ExecutionException(new TimeoutException("Timed out waiting for a node assignment")), SASL))
                .contains("did not answer", "KAFKA_SECURITY_PROTOCOL and KAFKA_BOOTSTRAP");
        assertThat(KafkaPreflight.problem(new ExecutionException(new TimeoutException("Timed out")), KafkaConnection.plaintext("k:9092")))
                .isEqualTo("Kafka at k:9092 is not usable: TimeoutException: Timed out; is it up (ops/local/stack.sh up kafka) and is "
                        + "KAFKA_BOOTSTRAP right?");
    }
}
