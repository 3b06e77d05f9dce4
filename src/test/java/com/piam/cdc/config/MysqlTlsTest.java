package com.piam.cdc.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** MYSQL_SSL_MODE / MYSQL_CA_FILE as each MySQL/MariaDB driver and Debezium connector names them. */
class MysqlTlsTest {

    private static PipelineSettings settings(Path dir, Map<String, String> changes) throws Exception {
        Map<String, String> m = PipelineSettingsTest.defaults();
        m.put("PIAM_DATA_DIR", dir.toString());
        m.put("MYSQL_JDBC_URL", "jdbc:mariadb://127.0.0.1:3306/cloudgate");
        m.putAll(changes);
        return PipelineSettings.from(m::get);
    }

    static Path ca(Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=test CA",
                "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("openssl made a CA").isTrue();
        return ca;
    }

    @Test
    void disabledLeavesTheUrlAlone(@TempDir Path dir) throws Exception {
        PipelineSettings s = settings(dir, Map.of());
        assertThat(s.mysqlJdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/cloudgate");
        assertThat(s.cdc().mysqlTls().enabled()).isFalse();
        assertThat(s.cdc().mysqlTls().mariadbMode()).isEqualTo("disable");
        assertThat(s.cdc().mysqlTls().mysqlConnectorMode()).isEqualTo("disabled");
    }

    @Test
    void eachModeInEachDriversWords(@TempDir Path dir) throws Exception {
        Path ca = ca(dir);
        PipelineSettings s = settings(dir, Map.of("MYSQL_SSL_MODE", "verify-full", "MYSQL_CA_FILE", ca.toString()));
        assertThat(s.mysqlJdbcUrl()).isEqualTo("jdbc:mariadb://127.0.0.1:3306/cloudgate?sslMode=verify-full&serverSslCert=" + ca);
        assertThat(s.summary()).contains("MYSQL_SSL_MODE=verify-full MYSQL_CA_FILE=" + ca).doesNotContain("serverSslCert");
        assertThat(settings(dir, Map.of("MYSQL_SSL_MODE", "required")).mysqlJdbcUrl()).endsWith("/cloudgate?sslMode=trust");
        assertThat(settings(dir, Map.of("MYSQL_SSL_MODE", "verify-ca", "MYSQL_JDBC_URL", "jdbc:mariadb://h/cloudgate?connectTimeout=5"))
                .mysqlJdbcUrl()).isEqualTo("jdbc:mariadb://h/cloudgate?connectTimeout=5&sslMode=verify-ca");
        MysqlTls t = settings(dir, Map.of("MYSQL_SSL_MODE", "verify-ca")).cdc().mysqlTls();
        assertThat(t.mariadbMode()).isEqualTo("verify-ca");
        assertThat(t.mysqlConnectorMode()).isEqualTo("verify_ca");
        assertThat(settings(dir, Map.of("MYSQL_SSL_MODE", "verify-full")).cdc().mysqlTls().mysqlConnectorMode()).isEqualTo("verify_identity");

        String mysql = settings(dir, Map.of("MYSQL_SSL_MODE", "verify-full", "MYSQL_CA_FILE", ca.toString(),
                "MYSQL_JDBC_URL", "jdbc:mysql://db:3306/cloudgate?allowPublicKeyRetrieval=true")).mysqlJdbcUrl();
        assertThat(mysql).startsWith("jdbc:mysql://db:3306/cloudgate?allowPublicKeyRetrieval=true&sslMode=VERIFY_IDENTITY"
                + "&trustCertificateKeyStoreUrl=" + dir.resolve("tls/mysql-ca.p12").toUri()).contains("&trustCertificateKeyStoreType=PKCS12");
    }

    @Test
    void theTrustStoreHoldsTheCaFilesCertificate(@TempDir Path dir) throws Exception {
        Path ca = ca(dir);
        MysqlTls.Truststore t = settings(dir, Map.of("MYSQL_SSL_MODE", "verify-ca", "MYSQL_CA_FILE", ca.toString())).cdc().mysqlTls().truststore();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(t.path())) {
            ks.load(in, t.password().toCharArray());
        }
        assertThat(ks.size()).isEqualTo(1);
        assertThat(ks.isCertificateEntry("ca-0")).isTrue();
        assertThat(Files.getPosixFilePermissions(t.path())).containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void settingsThatCannotWorkStopStartUpNamingTheSetting(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> settings(dir, Map.of("MYSQL_SSL_MODE", "preferred"))).hasMessageContaining("MYSQL_SSL_MODE='preferred'")
                .hasMessageContaining("falls back to plain text");
        assertThatThrownBy(() -> settings(dir, Map.of("MYSQL_SSL_MODE", "verify"))).hasMessageContaining("MYSQL_SSL_MODE='verify'")
                .hasMessageContaining("disabled, required, verify-ca, verify-full");
        assertThatThrownBy(() -> settings(dir, Map.of("MYSQL_CA_FILE", "/etc/hostname"))).hasMessageContaining("MYSQL_CA_FILE")
                .hasMessageContaining("needs MYSQL_SSL_MODE=verify-ca or verify-full");
        assertThatThrownBy(() -> settings(dir, Map.of("MYSQL_SSL_MODE", "verify-ca", "MYSQL_CA_FILE", "/nonexistent/ca.pem")))
                .hasMessageContaining("MYSQL_CA_FILE='/nonexistent/ca.pem'").hasMessageContaining("cannot be read");
        assertThatThrownBy(() -> settings(dir, Map.of("MYSQL_SSL_MODE", "required", "MYSQL_JDBC_URL",
                "jdbc:mysql://db/cloudgate?useSSL=false"))).hasMessageContaining("MYSQL_JDBC_URL holds its own TLS option (usessl)")
                .hasMessageContaining("remove it");
        assertThatThrownBy(() -> settings(dir, Map.of("MYSQL_SSL_MODE", "verify-ca", "MYSQL_CA_FILE", "/etc/hostname")).cdc().mysqlTls()
                .truststore()).hasMessageContaining("MYSQL_CA_FILE='/etc/hostname'");
    }

    @Test
    void aDeniedLoginWithoutTlsPointsAtTheTlsSettingsToo(@TempDir Path dir) throws Exception {
        MysqlTls off = settings(dir, Map.of()).cdc().mysqlTls();
        assertThat(MysqlTlsHint.hint(off, "Access denied for user 'x'@'localhost' (using password: YES)", "check the password."))
                .contains("check the password.").contains("REQUIRE SSL").contains("MYSQL_SSL_MODE");
        MysqlTls on = settings(dir, Map.of("MYSQL_SSL_MODE", "verify-ca")).cdc().mysqlTls();
        assertThat(MysqlTlsHint.hint(on, "PKIX path building failed", "x")).contains("MYSQL_SSL_MODE (it is verify-ca)")
                .contains("MYSQL_CA_FILE (empty: the JVM's CAs");
        assertThat(MysqlTlsHint.hint(on, "Connection refused", "is it up?")).isEqualTo("is it up?");
    }
}
