package com.piam.cdc.capture;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PipelineSettingsTest;
import com.piam.cdc.config.KafkaConnection;
import org.apache.camel.component.debezium.mysql.configuration.MySqlConnectorEmbeddedDebeziumConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka clients Debezium makes, and ours inside it, get the KAFKA_* security settings through the capture endpoint. */
class CaptureKafkaSecurityTest {

    /** The capture route of these settings (over the shipped defaults). */
    private static CaptureRoute route(Map<String, String> changes) throws Exception {
        Map<String, String> m = PipelineSettingsTest.defaults();
        m.putAll(changes);
        PipelineSettings.Cdc cdc = PipelineSettings.from(m::get).cdc();
        return new CaptureRoute(cdc, PipelineSettings.SourceFlavor.MARIADB, new CaptureLiveness(), new KafkaChangeSender(cdc.kafka()), null, null);
    }

    @Test
    void schemaHistorySignalsOffsetsAndFirstSnapshotAllGetTheSecurity(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        Map<String, String> m = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "KAFKA_USER", "piam",
                "KAFKA_PASSWORD", "p) &%'\"\\# w=;ö", "KAFKA_CA_FILE", ca.toString(), "CAPTURE_LEASE", "true",
                "PIAM_DATA_DIR", dir.toString());
        CaptureRoute route = route(m);
        Map<String, String> all = PipelineSettingsTest.defaults();
        all.putAll(m);
        PipelineSettings.Cdc cdc = PipelineSettings.from(all::get).cdc();
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addComponent(CaptureComponent.SCHEME, new CaptureComponent());
            MySqlConnectorEmbeddedDebeziumConfiguration c = route.endpoint(context).getConfiguration();
            Map<String, Object> extra = c.getAdditionalProperties();
            for (String prefix : new String[] {"schema.history.internal.producer.", "schema.history.internal.consumer.", "signal.consumer.",
                    KafkaCaptureOffsetStore.PREFIX, FirstSnapshot.KAFKA_PREFIX}) {
                cdc.kafka().security().forEach((k, v) -> assertThat(extra).as(prefix + k).containsEntry(prefix + k, v));
            }
            assertThat(KafkaConnection.fromConfig(extra, KafkaCaptureOffsetStore.PREFIX).properties()).isEqualTo(cdc.kafka().properties());
            assertThat(KafkaConnection.fromConfig(extra, FirstSnapshot.KAFKA_PREFIX).properties()).isEqualTo(cdc.kafka().properties());
            assertThat(String.valueOf(extra.get("signal.consumer.sasl.jaas.config"))).contains("password=\"p) &%'\\\"\\\\# w=;ö\"");
            assertThat(route.debeziumUri()).as("no secret in the URI").doesNotContain("jaas").doesNotContain("truststore");
        }
    }

    @Test
    void aCapturePasswordWithAnyCharacterReachesDebeziumUnchanged(@TempDir Path dir) throws Exception {
        for (String password : com.piam.cdc.config.AwkwardPasswords.ALL) {
            CaptureRoute route = route(Map.of("CAPTURE_PASSWORD", password, "PIAM_DATA_DIR", dir.toString()));
            try (DefaultCamelContext context = new DefaultCamelContext()) {
                context.addComponent(CaptureComponent.SCHEME, new CaptureComponent());
                MySqlConnectorEmbeddedDebeziumConfiguration c = route.endpoint(context).getConfiguration();
                assertThat(c.getDatabasePassword()).as(password).isEqualTo(password);
                assertThat(route.debeziumUri()).as("never in the URI").doesNotContain(password).doesNotContain("assword");
            }
        }
    }
}
