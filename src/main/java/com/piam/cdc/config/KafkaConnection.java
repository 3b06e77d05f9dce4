package com.piam.cdc.config;

import java.util.HashMap;
import java.util.Map;

/**
 * How every Kafka client of the runtime and its tools reaches the brokers: the bootstrap address and the client
 * security settings (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_USER / KAFKA_PASSWORD(_FILE), KAFKA_CA_FILE),
 * as Kafka client properties. {@code KafkaClients} builds every client from {@link #properties()}; the capture's
 * Debezium stores and the consume routes' endpoints get the same properties.
 */
public record KafkaConnection(String bootstrap, Map<String, String> security, String describe) {

    public static final String PLAINTEXT = "PLAINTEXT";
    static final String[] PROTOCOLS = {PLAINTEXT, "SSL", "SASL_PLAINTEXT", "SASL_SSL"};
    static final String[] MECHANISMS = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"};

    public KafkaConnection {
        security = Map.copyOf(security);
    }

    /** Plain text to {@code bootstrap}: the local stack and the tests. */
    public static KafkaConnection plaintext(String bootstrap) {
        return new KafkaConnection(bootstrap, Map.of(), bootstrap);
    }

    /**
     * The connection handed to a client Debezium configures (the capture's offset store): {@code prefix} + bootstrap.servers
     * and + each security property, as {@link #asConfig} wrote them.
     */
    public static KafkaConnection fromConfig(Map<String, ?> config, String prefix) {
        Object bootstrap = config.get(prefix + "bootstrap.servers");
        if (bootstrap == null) {
            throw new IllegalStateException("capture: " + prefix + "bootstrap.servers must be set");
        }
        Map<String, String> security = new HashMap<>();
        config.forEach((k, v) -> {
            if (k.startsWith(prefix) && isSecurity(k.substring(prefix.length()))) {
                security.put(k.substring(prefix.length()), String.valueOf(v));
            }
        });
        return new KafkaConnection(String.valueOf(bootstrap), security, String.valueOf(bootstrap));
    }

    /** bootstrap.servers and the security properties, each under {@code prefix}: for a client Debezium configures. */
    public Map<String, String> asConfig(String prefix) {
        Map<String, String> out = new HashMap<>();
        out.put(prefix + "bootstrap.servers", bootstrap);
        security.forEach((k, v) -> out.put(prefix + k, v));
        return out;
    }

    /** Whether a client property is the connection's to set (brokers and security), not a client's own. */
    public static boolean isSecurity(String key) {
        return key.startsWith("security.") || key.startsWith("sasl.") || key.startsWith("ssl.");
    }

    /** Reads and checks the KAFKA_* settings; a setting that cannot work stops start-up naming it and the fix. */
    static KafkaConnection read(SettingsReader r) {
        String bootstrap = r.bootstrap("KAFKA_BOOTSTRAP");
        String protocol = r.oneOf("KAFKA_SECURITY_PROTOCOL", PLAINTEXT, PROTOCOLS);
        boolean sasl = protocol.startsWith("SASL_");
        boolean tls = protocol.endsWith("SSL");
        String mechanism = r.optional("KAFKA_SASL_MECHANISM").trim();
        Login login = null;
        if (sasl) {
            if (mechanism.isEmpty()) {
                throw new ConfigException("KAFKA_SASL_MECHANISM", "", "must be one of " + String.join(", ", MECHANISMS)
                        + " with KAFKA_SECURITY_PROTOCOL=" + protocol + " (ask the Kafka provider which one it takes)");
            }
            r.oneOf("KAFKA_SASL_MECHANISM", mechanism, MECHANISMS);
            login = r.login("KAFKA_USER", "KAFKA_PASSWORD");
            if (login.password().isEmpty()) {
                throw new ConfigException("KAFKA_PASSWORD", "", "must be set (or KAFKA_PASSWORD_FILE) with KAFKA_SECURITY_PROTOCOL=" + protocol);
            }
        } else if (!mechanism.isEmpty()) {
            throw new ConfigException("KAFKA_SASL_MECHANISM", mechanism, "needs KAFKA_SECURITY_PROTOCOL=SASL_SSL or SASL_PLAINTEXT (it is "
                    + protocol + "); leave it empty otherwise");
        }
        String ca = r.caFile("KAFKA_CA_FILE", tls, "KAFKA_SECURITY_PROTOCOL=SSL or SASL_SSL (it is " + protocol + ")", "the brokers'");
        return new KafkaConnection(bootstrap, security(protocol, mechanism, login, ca),
                // "127.0.0.1:9092 (SASL_SSL, SCRAM-SHA-512 as piam)": for log lines and the verifier; never the password
                bootstrap + (PLAINTEXT.equals(protocol) ? "" : " (" + protocol + (login == null ? "" : ", " + mechanism + " as " + login.user())
                        + ")"));
    }

    /** Kafka client properties: bootstrap.servers and, when secured, security.protocol, sasl.*, ssl.truststore.*. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new HashMap<>(security);
        p.put("bootstrap.servers", bootstrap);
        return p;
    }

    /** The security properties of the settings (none for PLAINTEXT). */
    static Map<String, String> security(String protocol, String mechanism, Login sasl, String caFile) {
        Map<String, String> p = new HashMap<>();
        if (PLAINTEXT.equals(protocol)) {
            return p;
        }
        p.put("security.protocol", protocol);
        if (sasl != null) {
            p.put("sasl.mechanism", mechanism);
            String module = mechanism.startsWith("SCRAM") ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            p.put("sasl.jaas.config", module + " required username=" + quoted(sasl.user()) + " password=" + quoted(sasl.password()) + ";");
        }
        if (!caFile.isEmpty()) {
            p.put("ssl.truststore.type", "PEM");
            p.put("ssl.truststore.location", caFile);
        }
        return p;
    }

    /** A JAAS option value: in double quotes, with \ and " escaped (any password works). */
    static String quoted(String v) {
        return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return describe();
    }
}
