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

    @Test
    void schemaHistorySignalsOffsetsAndFirstSnapshotAllGetTheSecurity(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "pem");
        Map<String, String> m = PipelineSettingsTest.defaults();
        m.putAll(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-256", "KAFKA_USER", "piam",
                "KAFKA_PASSWORD", "p) &%'\"\\# w=;ö", "KAFKA_CA_FILE", ca.toString(), "CAPTURE_LEASE", "true",
                "PIAM_DATA_DIR", dir.toString()));
        PipelineSettings.Cdc cdc = PipelineSettings.from(m::get).cdc();
        CaptureRoute route = new CaptureRoute(cdc, PipelineSettings.SourceFlavor.MARIADB, new CaptureLiveness(),
                new KafkaChangeSender(cdc.kafka()), null, null);
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            context.addComponent(CaptureComponent.SCHEME, new CaptureComponent());
            MySqlConnectorEmbeddedDebeziumConfiguration c = ((CaptureEndpoint) context.getEndpoint(route.debeziumUri())).getConfiguration();
            Map<String, Object> extra = c.getAdditionalProperties();
            for (String prefix : new String[] {"schema.history.internal.producer.", "schema.history.internal.consumer.", "signal.consumer.",
                    KafkaCaptureOffsetStore.PREFIX, FirstSnapshot.KAFKA_PREFIX}) {
                cdc.kafka().security().forEach((k, v) -> assertThat(extra).as(prefix + k).containsEntry(prefix + k, v));
            }
            assertThat(KafkaConnection.fromConfig(extra, KafkaCaptureOffsetStore.PREFIX).properties()).isEqualTo(cdc.kafka().properties());
            assertThat(KafkaConnection.fromConfig(extra, FirstSnapshot.KAFKA_PREFIX).properties()).isEqualTo(cdc.kafka().properties());
            assertThat(String.valueOf(extra.get("signal.consumer.sasl.jaas.config"))).contains("password=\"p) &%'\\\"\\\\# w=;ö\"");
        }
    }
}
