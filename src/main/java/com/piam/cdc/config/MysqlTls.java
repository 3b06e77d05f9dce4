package com.piam.cdc.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * TLS to MySQL/MariaDB, from MYSQL_SSL_MODE and MYSQL_CA_FILE, for every connection the runtime makes to the source:
 * the generators' and verifier's pools (the JDBC URL), the capture's preflight and Debezium's own connections (its JDBC
 * connection and the binlog reader).
 * <ul>
 * <li>{@code disabled} (default): no TLS.</li>
 * <li>{@code required}: encrypted, the server's certificate not checked.</li>
 * <li>{@code verify-ca}: encrypted, the certificate signed by MYSQL_CA_FILE's CA (or the JVM's CAs without it).</li>
 * <li>{@code verify-full}: as verify-ca, and the certificate names the host connected to.</li>
 * </ul>
 * There is no {@code preferred}: a mode that falls back to plain text when the handshake fails gives no protection
 * against anyone who can make it fail.
 */
public record MysqlTls(String mode, String caFile, Path dataDir) {

    public static final String DISABLED = "disabled";
    static final String[] MODES = {DISABLED, "required", "verify-ca", "verify-full"};

    public boolean enabled() {
        return !DISABLED.equals(mode);
    }

    static MysqlTls read(SettingsReader r, Path dataDir) {
        String raw = r.optional("MYSQL_SSL_MODE").trim().toLowerCase(Locale.ROOT);
        if (raw.equals("preferred")) {
            throw new ConfigException("MYSQL_SSL_MODE", raw, "is not offered: it falls back to plain text when the TLS handshake "
                    + "fails; use required (encrypted), verify-ca or verify-full (the server's certificate checked), or disabled");
        }
        String mode = r.oneOf("MYSQL_SSL_MODE", DISABLED, MODES);
        String ca = r.caFile("MYSQL_CA_FILE", !DISABLED.equals(mode), "MYSQL_SSL_MODE=verify-ca or verify-full (it is disabled)",
                "the server's");
        return new MysqlTls(mode, ca, dataDir);
    }

    /**
     * The JDBC URL with this TLS mode for its driver (MariaDB Connector/J: sslMode, serverSslCert; MySQL Connector/J:
     * sslMode, trustCertificateKeyStoreUrl). Unchanged when disabled; a URL that sets TLS itself is refused (one place
     * decides).
     */
    public String jdbcUrl(String url) {
        if (!enabled()) {
            return url;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        for (String own : new String[] {"sslmode=", "usessl=", "requiressl=", "verifyservercertificate=", "serversslcert=",
                "truststore=", "trustcertificatekeystoreurl="}) {
            if (lower.contains("?" + own) || lower.contains("&" + own)) {
                throw new ConfigException("MYSQL_JDBC_URL holds its own TLS option (" + own.replace("=", "") + ") while MYSQL_SSL_MODE="
                        + mode + ": remove it from MYSQL_JDBC_URL; MYSQL_SSL_MODE and MYSQL_CA_FILE set TLS for every connection");
            }
        }
        Map<String, String> p = new LinkedHashMap<>();
        if (url.startsWith("jdbc:mysql:")) {
            p.put("sslMode", switch (mode) {
                case "required" -> "REQUIRED";
                case "verify-ca" -> "VERIFY_CA";
                default -> "VERIFY_IDENTITY";
            });
            if (!caFile.isEmpty()) {
                Truststore t = truststore();
                p.put("trustCertificateKeyStoreUrl", t.path().toUri().toString());
                p.put("trustCertificateKeyStoreType", "PKCS12");
                p.put("trustCertificateKeyStorePassword", t.password());
            }
        } else {
            p.put("sslMode", mariadbMode());
            if (!caFile.isEmpty()) {
                p.put("serverSslCert", caFile);
            }
        }
        StringBuilder out = new StringBuilder(url);
        for (Map.Entry<String, String> e : p.entrySet()) {
            out.append(out.indexOf("?") < 0 ? '?' : '&').append(e.getKey()).append('=').append(e.getValue());
        }
        return out.toString();
    }

    /** MariaDB Connector/J's (and Debezium's MariaDB connector's) name of the mode. */
    public String mariadbMode() {
        return switch (mode) {
            case DISABLED -> "disable";
            case "required" -> "trust";
            default -> mode;
        };
    }

    /** Debezium's MySQL connector's name of the mode (database.ssl.mode). */
    public String mysqlConnectorMode() {
        return switch (mode) {
            case "verify-ca" -> "verify_ca";
            case "verify-full" -> "verify_identity";
            default -> mode;
        };
    }

    /** MYSQL_CA_FILE as a PKCS12 trust store (Debezium's binlog reader and MySQL Connector/J read no PEM). */
    public record Truststore(Path path, String password) {
    }

    /**
     * Writes MYSQL_CA_FILE's certificates into $PIAM_DATA_DIR/tls/mysql-ca.p12 (0600) under a new random password, each
     * time it is asked (the file holds public certificates only; the password protects its integrity).
     */
    public synchronized Truststore truststore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            Collection<? extends Certificate> certs;
            try (InputStream in = Files.newInputStream(Path.of(caFile))) {
                certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certs.isEmpty()) {
                throw new ConfigException("MYSQL_CA_FILE", caFile, "holds no PEM certificate");
            }
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path dir = dataDir.resolve("tls");
            Files.createDirectories(dir);
            Path file = dir.resolve("mysql-ca.p12");
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(file)) {
                ks.store(out, password.toCharArray());
            }
            return new Truststore(file, password);
        } catch (ConfigException e) {
            throw e;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new ConfigException("MYSQL_CA_FILE", caFile, "cannot be read as PEM certificates (" + e.getMessage() + ")");
        }
    }
}
