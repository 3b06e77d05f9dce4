package com.piam.cdc.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CLICKHOUSE_SSL_MODE / CLICKHOUSE_CA_FILE as the official driver's legacy and current clients read them. */
class ClickHouseTlsTest {

    private static final String LEGACY = "jdbc:clickhouse:http://127.0.0.1:8443/piam?clickhouse.jdbc.v1=true&compress=false";

    private static PipelineSettings settings(Map<String, String> changes) throws Exception {
        Map<String, String> m = PipelineSettingsTest.defaults();
        m.put("CLICKHOUSE_JDBC_URL", LEGACY);
        m.putAll(changes);
        return PipelineSettings.from(m::get);
    }

    @Test
    void disabledLeavesTheUrlAlone() throws Exception {
        assertThat(settings(Map.of()).clickHouseJdbcUrl()).isEqualTo(LEGACY);
        assertThat(settings(Map.of("CLICKHOUSE_JDBC_URL", "jdbc:clickhouse:https://ch.example.com:8443/piam?ssl=true")).clickHouseJdbcUrl())
                .as("TLS the URL sets itself, without CLICKHOUSE_SSL_MODE").endsWith("?ssl=true");
    }

    @Test
    void verifyFullSpeaksHttpsAndChecksTheCertificate(@TempDir Path dir) throws Exception {
        Path ca = MysqlTlsTest.ca(dir);
        PipelineSettings s = settings(Map.of("CLICKHOUSE_SSL_MODE", "verify-full", "CLICKHOUSE_CA_FILE", ca.toString()));
        assertThat(s.clickHouseJdbcUrl()).isEqualTo("jdbc:clickhouse:https://127.0.0.1:8443/piam?clickhouse.jdbc.v1=true&compress=false"
                + "&ssl=true&sslmode=strict&sslrootcert=" + ca);
        assertThat(s.summary()).contains("CLICKHOUSE=piam_loader@jdbc:clickhouse:https://127.0.0.1:8443/piam CLICKHOUSE_CA_FILE=" + ca);
        assertThat(settings(Map.of("CLICKHOUSE_SSL_MODE", "verify-full", "CLICKHOUSE_JDBC_URL", "jdbc:ch:http://ch:8443/piam"))
                .clickHouseJdbcUrl()).as("the current client: https is enough, the JVM's CAs").isEqualTo("jdbc:ch:https://ch:8443/piam");
    }

    @Test
    void settingsThatCannotWorkStopStartUpNamingTheSetting() {
        assertThatThrownBy(() -> settings(Map.of("CLICKHOUSE_SSL_MODE", "required"))).hasMessageContaining("CLICKHOUSE_SSL_MODE='required'")
                .hasMessageContaining("disabled, verify-full");
        assertThatThrownBy(() -> settings(Map.of("CLICKHOUSE_CA_FILE", "/etc/hostname"))).hasMessageContaining("needs CLICKHOUSE_SSL_MODE");
        assertThatThrownBy(() -> settings(Map.of("CLICKHOUSE_SSL_MODE", "verify-full", "CLICKHOUSE_CA_FILE", "/nonexistent.pem")))
                .hasMessageContaining("CLICKHOUSE_CA_FILE='/nonexistent.pem'").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> settings(Map.of("CLICKHOUSE_SSL_MODE", "verify-full", "CLICKHOUSE_JDBC_URL", LEGACY + "&sslmode=none")))
                .hasMessageContaining("CLICKHOUSE_JDBC_URL holds its own TLS option (sslmode)");
    }
}
