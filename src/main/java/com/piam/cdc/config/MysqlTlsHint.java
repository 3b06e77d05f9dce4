package com.piam.cdc.config;


import java.util.Locale;

/** What to check when a connection to MySQL/MariaDB failed, given the server's words and MYSQL_SSL_MODE. */
public final class MysqlTlsHint {

    private MysqlTlsHint() {
    }

    /**
     * The TLS settings when the words are about TLS (a handshake, a certificate, insecure transport), and when a login
     * was denied without TLS (a user created REQUIRE SSL is denied like a wrong password); otherwise {@code otherwise}.
     */
    public static String hint(MysqlTls tls, String words, String otherwise) {
        String w = words == null ? "" : words.toLowerCase(Locale.ROOT);
        boolean aboutTls = w.contains("ssl") || w.contains("tls") || w.contains("certif") || w.contains("handshake")
                || w.contains("secure transport") || w.contains("pkix");
        if (aboutTls) {
            return "check MYSQL_SSL_MODE (it is " + tls.mode() + ") and MYSQL_CA_FILE (" + (tls.caFile().isEmpty() ? "empty: the JVM's CAs"
                    : tls.caFile()) + "; the CA that signed the server's certificate)";
        }
        if (!tls.enabled() && w.contains("access denied")) {
            return otherwise + " A user the server requires TLS of (REQUIRE SSL) is denied like this without it: then set "
                    + "MYSQL_SSL_MODE (required, verify-ca or verify-full)";
        }
        return otherwise;
    }
}
