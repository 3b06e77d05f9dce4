package com.piam.cdc.config;

import java.util.Locale;

/**
 * HTTPS to ClickHouse, from CLICKHOUSE_SSL_MODE and CLICKHOUSE_CA_FILE, for every connection the runtime and its tools
 * make (the loader, the verifier, reconciliation, the tools: all through CLICKHOUSE_JDBC_URL).
 * <ul>
 * <li>{@code disabled} (default): the URL as written (plain HTTP, or whatever TLS options it holds itself).</li>
 * <li>{@code verify-full}: HTTPS, the server's certificate checked against CLICKHOUSE_CA_FILE (a PEM CA; empty: the
 * JVM's CAs) and its host name. An {@code http://} URL becomes {@code https://}: point CLICKHOUSE_PORT at the
 * server's {@code https_port}.</li>
 * </ul>
 * The driver's legacy client (clickhouse.jdbc.v1=true, for 18.16) is told {@code ssl=true&sslmode=strict}; both clients
 * read the CA from {@code sslrootcert}.
 */
public record ClickHouseTls(String mode, String caFile) {

    public static final String DISABLED = "disabled";

    public boolean enabled() {
        return !DISABLED.equals(mode);
    }

    static ClickHouseTls read(SettingsReader r) {
        String mode = r.oneOf("CLICKHOUSE_SSL_MODE", DISABLED, DISABLED, "verify-full");
        String ca = r.caFile("CLICKHOUSE_CA_FILE", !DISABLED.equals(mode), "CLICKHOUSE_SSL_MODE=verify-full (it is disabled)",
                "the server's");
        return new ClickHouseTls(mode, ca);
    }

    /** The JDBC URL speaking HTTPS with the certificate checked; unchanged when disabled. */
    public String jdbcUrl(String url) {
        if (!enabled()) {
            return url;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        for (String own : new String[] {"ssl=", "sslmode=", "sslrootcert=", "ssl_trust_store="}) {
            if (lower.contains("?" + own) || lower.contains("&" + own)) {
                throw new ConfigException("CLICKHOUSE_JDBC_URL holds its own TLS option (" + own.replace("=", "") + ") while "
                        + "CLICKHOUSE_SSL_MODE=" + mode + ": remove it from CLICKHOUSE_JDBC_URL; CLICKHOUSE_SSL_MODE and "
                        + "CLICKHOUSE_CA_FILE set TLS for every connection");
            }
        }
        String out = url.replaceFirst("^jdbc:(clickhouse|ch):http://", "jdbc:$1:https://");
        StringBuilder b = new StringBuilder(out);
        if (lower.contains("clickhouse.jdbc.v1=true")) {
            b.append(b.indexOf("?") < 0 ? '?' : '&').append("ssl=true&sslmode=strict");
        }
        if (!caFile.isEmpty()) {
            b.append(b.indexOf("?") < 0 ? '?' : '&').append("sslrootcert=").append(caFile);
        }
        return b.toString();
    }
}
