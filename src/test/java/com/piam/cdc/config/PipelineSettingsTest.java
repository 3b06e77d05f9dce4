package com.piam.cdc.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class PipelineSettingsTest {

    /** The shipped defaults, with placeholders resolved the simple way (the tests don't need Camel for this). */
    public static Map<String, String> defaults() throws Exception {
        Properties p = new Properties();
        try (InputStream in = PipelineSettingsTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    static PipelineSettings with(String key, String value) throws Exception {
        Map<String, String> m = defaults();
        m.put(key, value);
        return PipelineSettings.from(m::get);
    }

    @Test
    void shippedDefaultsAreValidAndMatchTheSpec() throws Exception {
        PipelineSettings s = PipelineSettings.from(defaults()::get);
        assertThat(s.ingestMode()).isEqualTo(IngestMode.CDC);
        assertThat(s.eventRatePerSecond()).isEqualTo(10.0);
        assertThat(s.healthIntervalSeconds()).isEqualTo(10);
        assertThat(s.flushIntervalSeconds()).isEqualTo(4);
        assertThat(s.maxBatchEvents()).isEqualTo(200);
        assertThat(s.maxBatchHealth()).isEqualTo(10);
        assertThat(s.maxBufferedRows()).isEqualTo(5000);
        assertThat(s.tenants()).containsExactly("acme", "buildright");
        assertThat(s.grantRatio()).isEqualTo(0.75);
    }

    @Test
    void reconcileFromTakesAUtcTimeOrEpochSecondsAndIsUnboundedWhenEmpty() throws Exception {
        assertThat(PipelineSettings.from(defaults()::get).verify().reconcile().fromSec()).isZero();
        assertThat(with("RECONCILE_FROM", "2026-11-30 14:03").verify().reconcile().fromSec()).isEqualTo(1_796_047_380L);
        assertThat(with("RECONCILE_FROM", "1796047380").verify().reconcile().fromSec()).isEqualTo(1_796_047_380L);
    }

    @Test
    void remoteJmxIsOffUnlessAPortIsGiven() throws Exception {
        assertThat(PipelineSettings.from(defaults()::get).jmxPort()).isZero();
        assertThat(with("JMX_PORT", "9010").jmxPort()).isEqualTo(9010);
    }

    @Test
    void ingestModeIsCaseInsensitive() throws Exception {
        assertThat(with("INGEST_MODE", "Direct").ingestMode()).isEqualTo(IngestMode.DIRECT);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "INGEST_MODE           | kafka | Invalid configuration: INGEST_MODE='kafka': must be one of cdc, direct",
            "EVENT_RATE_PER_SECOND | 0     | Invalid configuration: EVENT_RATE_PER_SECOND='0': must be a number greater than 0",
            "EVENT_RATE_PER_SECOND | -3    | Invalid configuration: EVENT_RATE_PER_SECOND='-3': must be a number greater than 0",
            "EVENT_RATE_PER_SECOND | ten   | Invalid configuration: EVENT_RATE_PER_SECOND='ten': must be a number greater than 0",
            "MAX_BATCH_EVENTS      | 0     | Invalid configuration: MAX_BATCH_EVENTS='0': must be a whole number greater than 0",
            "MAX_BATCH_HEALTH      | 2.5   | Invalid configuration: MAX_BATCH_HEALTH='2.5': must be a whole number greater than 0",
            "FLUSH_INTERVAL_SECONDS| 4s    | Invalid configuration: FLUSH_INTERVAL_SECONDS='4s': must be a whole number greater than 0",
            "HEALTH_INTERVAL_SECONDS| ''   | Invalid configuration: HEALTH_INTERVAL_SECONDS='': must be set",
            "GRANT_RATIO           | 1.5   | Invalid configuration: GRANT_RATIO='1.5': must be a number from 0 to 1",
            "TENANTS               | ' , ' | Invalid configuration: TENANTS=',': must be a comma-separated list of tenant ids",
            "MAX_BUFFERED_ROWS     | 100   | Invalid configuration: MAX_BUFFERED_ROWS='100': must be at least MAX_BATCH_EVENTS and MAX_BATCH_HEALTH (200)",
            "CLICKHOUSE_JDBC_URL   | http://localhost:8123 | Invalid configuration: CLICKHOUSE_JDBC_URL='http://localhost:8123': must be a JDBC URL starting with jdbc:clickhouse:",
            "CLICKHOUSE_DATABASE   | piam;drop | Invalid configuration: CLICKHOUSE_DATABASE='piam;drop': must be a database name",
            "JMX_PORT              | 99999 | Invalid configuration: JMX_PORT='99999': must be a TCP port (1-65535)",
            "MANAGEMENT_PORT       | abc   | Invalid configuration: MANAGEMENT_PORT='abc': must be a whole number greater than 0 (a TCP port)",
            "KAFKA_TOPIC_PARTITIONS| 0     | Invalid configuration: KAFKA_TOPIC_PARTITIONS='0': must be a whole number greater than 0",
            "SOURCE_FLAVOR         | oracle | Invalid configuration: SOURCE_FLAVOR='oracle': must be",
            "EVENT_RATE_PER_SECOND | 1000000 | Invalid configuration: EVENT_RATE_PER_SECOND='1000000': must be at most 100000",
            "MAX_BATCH_EVENTS      | 2000000 | Invalid configuration: MAX_BATCH_EVENTS='2000000': must be at most 100000",
            "MAX_BUFFERED_ROWS     | 50000000 | Invalid configuration: MAX_BUFFERED_ROWS='50000000': must be at most 1000000",
            "MAX_BUFFERED_MB       | 0     | Invalid configuration: MAX_BUFFERED_MB='0': must be a whole number greater than 0",
            "MAX_BUFFERED_MB       | 99999 | Invalid configuration: MAX_BUFFERED_MB='99999': must be at most 4096",
            "KAFKA_BOOTSTRAP       | 127.0.0.1:9092&groupId=evil | Invalid configuration: KAFKA_BOOTSTRAP='127.0.0.1:9092&groupId=evil': must be host:port",
            "KAFKA_BOOTSTRAP       | localhost | Invalid configuration: KAFKA_BOOTSTRAP='localhost': must be host:port",
            "KAFKA_GROUP_ID        | g&autoOffsetReset=latest | Invalid configuration: KAFKA_GROUP_ID='g&autoOffsetReset=latest': must be letters, digits",
            "MYSQL_HOST            | db&databaseUser=root | Invalid configuration: MYSQL_HOST='db&databaseUser=root': must be a host name",
            "CAPTURE_USER          | dbz&x=1 | Invalid configuration: CAPTURE_USER='dbz&x=1': must be a database user name",
            "RECONCILE_FROM        | yesterday | Invalid configuration: RECONCILE_FROM='yesterday': must be a UTC time like 2026-11-30 14:03, or epoch seconds",
    })
    void badValueIsRefusedWithKeyValueAndWhatIsAllowed(String key, String value, String message) {
        assertThatThrownBy(() -> with(key, value))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void kafkaBootstrapTakesSeveralBrokersAndIpv6() throws Exception {
        assertThat(with("KAFKA_BOOTSTRAP", "kafka-1:9092,kafka-2.example.com:19092,[::1]:9092").cdc().kafkaBootstrap())
                .isEqualTo("kafka-1:9092,kafka-2.example.com:19092,[::1]:9092");
        assertThat(PipelineSettings.from(defaults()::get).maxBufferedMb()).isEqualTo(32);
    }

    @Test
    void summaryLeavesPasswordsOut() throws Exception {
        PipelineSettings s = with("MYSQL_PASSWORD", "s3cret-pw");
        assertThat(s.summary()).contains("INGEST_MODE=cdc").doesNotContain("s3cret-pw");
    }
}
