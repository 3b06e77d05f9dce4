package com.piam.cdc.kafka;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.config.AwkwardPasswords;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaClientsTest {

    private static final KafkaConnection SECURED = new KafkaConnection("k:9093",
            Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN", "sasl.jaas.config", "x required username=\"u\" password=\"p\";"),
            "k:9093 (SASL_SSL)");

    @Test
    void noClientIsBuiltAnywhereElse() throws IOException {
        Pattern building = Pattern.compile("new KafkaConsumer<|new KafkaProducer<|Admin\\.create\\(|AdminClient\\.create\\(");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            offenders = files.filter(f -> f.toString().endsWith(".java") && !f.endsWith(Path.of("kafka/KafkaClients.java")))
                    .filter(f -> {
                        try {
                            return building.matcher(Files.readString(f)).find();
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }).map(Path::toString).toList();
        }
        assertThat(offenders).as("Kafka clients built without KafkaClients (so without the KAFKA_* security settings)").isEmpty();
    }

    @Test
    void everyClientGetsTheConnectionsBrokersAndSecurity() {
        Map<String, Object> conf = KafkaClients.config(SECURED, Map.of("client.id", "piam-test"));
        assertThat(conf).containsEntry("bootstrap.servers", "k:9093").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "PLAIN").containsEntry("client.id", "piam-test");
        assertThatThrownBy(() -> KafkaClients.config(SECURED, Map.of("bootstrap.servers", "elsewhere:9092")))
                .hasMessageContaining("bootstrap.servers comes from the KafkaConnection");
        assertThatThrownBy(() -> KafkaClients.config(SECURED, Map.of("security.protocol", "PLAINTEXT")))
                .hasMessageContaining("security.protocol comes from the KafkaConnection");
    }

    @Test
    void theConsumeEndpointsClientsGetTheSameSecurityWhateverThePassword() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            for (String password : AwkwardPasswords.ALL) {
                KafkaConnection kafka = new KafkaConnection("k:9093", Map.of("security.protocol", "SASL_SSL", "sasl.mechanism",
                        "SCRAM-SHA-512", "sasl.jaas.config", "x required username=\"u\" password=\"" + password + "\";",
                        "ssl.truststore.type", "PEM", "ssl.truststore.location", "/ca dir/ca.pem"), "k:9093 (SASL_SSL)");
                KafkaEndpoint e = context.getEndpoint("kafka:t?brokers=k:9093&groupId=g", KafkaEndpoint.class);
                KafkaClients.secure(e.getConfiguration(), kafka);
                java.util.Properties consumer = e.getConfiguration().createConsumerProperties();
                kafka.security().forEach((k, v) -> assertThat(consumer.getProperty(k)).as(password + ": " + k).isEqualTo(v));
            }
        }
    }
}
