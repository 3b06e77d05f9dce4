package com.piam.cdc.config;

import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatNoException;

/** Demo passwords serve on this machine only: named in a WARN elsewhere, refused with PIAM_REQUIRE_SECRETS=true. */
class DemoPasswordsTest {

    private static PipelineSettings settings(Map<String, String> changes) throws Exception {
        Map<String, String> m = PipelineSettingsTest.defaults();
        m.put("MYSQL_JDBC_URL", "jdbc:mariadb://127.0.0.1:3306/cloudgate");
        m.put("CLICKHOUSE_JDBC_URL", "jdbc:clickhouse:http://127.0.0.1:8123/piam");
        m.putAll(changes);
        return PipelineSettings.from(m::get);
    }

    private static java.util.List<String> exposed(Map<String, String> changes) throws Exception {
        return DemoPasswords.exposed(settings(changes), Secrets.demoDefaults()).stream().map(DemoPasswords.Exposed::setting).toList();
    }

    @Test
    void theDemoOnThisMachineIsFine() throws Exception {
        assertThat(exposed(Map.of())).isEmpty();
        assertThat(exposed(Map.of("MYSQL_HOST", "localhost", "MYSQL_JDBC_URL", "jdbc:mariadb://[::1]:3306/cloudgate"))).isEmpty();
    }

    @Test
    void demoPasswordsWithAnotherHostAreNamed() throws Exception {
        assertThat(exposed(Map.of("MYSQL_HOST", "db.example.com", "MYSQL_JDBC_URL", "jdbc:mariadb://db.example.com:3306/cloudgate")))
                .containsExactly("MYSQL_PASSWORD", "MYSQL_MONITOR_PASSWORD", "CAPTURE_PASSWORD");
        assertThat(exposed(Map.of("CLICKHOUSE_JDBC_URL", "jdbc:clickhouse:https://ch.example.com:8443/piam?ssl=true")))
                .containsExactly("CLICKHOUSE_PASSWORD", "CLICKHOUSE_READER_PASSWORD");
        assertThat(exposed(Map.of("MYSQL_JDBC_URL", "jdbc:mariadb:sequential://127.0.0.1:3306,10.0.0.7:3306/cloudgate")))
                .as("any host of a failover list").containsExactly("MYSQL_PASSWORD", "MYSQL_MONITOR_PASSWORD");
        Map<String, String> kafka = Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_USER", "piam", "KAFKA_BOOTSTRAP", "b-1.kafka.example.com:9096,b-2.kafka.example.com:9096");
        assertThat(exposed(kafka)).containsExactly("KAFKA_PASSWORD");
        Map<String, String> own = new java.util.HashMap<>(kafka);
        own.put("KAFKA_PASSWORD", "mine");
        assertThat(exposed(own)).isEmpty();
        own.putAll(Map.of("KAFKA_BOOTSTRAP", "127.0.0.1:9094", "KAFKA_PASSWORD", Secrets.demoDefaults().getProperty("KAFKA_PASSWORD")));
        assertThat(exposed(own)).as("the secured local stack").isEmpty();
        assertThat(exposed(Map.of("MYSQL_JDBC_URL", "jdbc:mariadb://10.0.0.7/cloudgate", "INGEST_MODE", "direct")))
                .as("direct mode does not use MySQL").isEmpty();
    }

    @Test
    void ownPasswordsAreNotNamed() throws Exception {
        assertThat(exposed(Map.of("MYSQL_HOST", "db.example.com", "MYSQL_JDBC_URL", "jdbc:mariadb://db.example.com/cloudgate",
                "MYSQL_PASSWORD", "mine-1", "MYSQL_MONITOR_PASSWORD", "mine-2", "CAPTURE_PASSWORD", "mine-3"))).isEmpty();
    }

    @Test
    void requiredSecretsStopStartUpNamingEverySettingAndNoPassword() throws Exception {
        PipelineSettings remote = settings(Map.of("MYSQL_HOST", "db.example.com", "PIAM_REQUIRE_SECRETS", "true"));
        assertThatThrownBy(() -> DemoPasswords.check(remote, NOPLogger.NOP_LOGGER)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("PIAM_REQUIRE_SECRETS=true").hasMessageContaining("CAPTURE_PASSWORD (with db.example.com)")
                .hasMessageNotContaining(Secrets.demoDefaults().getProperty("CAPTURE_PASSWORD"));
        assertThatNoException().as("only a WARN without it").isThrownBy(() -> DemoPasswords.check(
                settings(Map.of("MYSQL_HOST", "db.example.com")), NOPLogger.NOP_LOGGER));
        assertThatNoException().isThrownBy(() -> DemoPasswords.check(settings(Map.of("PIAM_REQUIRE_SECRETS", "true")), NOPLogger.NOP_LOGGER));
    }
}
