package com.piam.cdc.kafka;

import com.piam.cdc.config.KafkaConnection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.HashMap;
import java.util.Map;

/**
 * Every Kafka client the runtime and its tools build (admin clients, consumers, producers) is built here, from the
 * one {@link KafkaConnection}: its bootstrap and security properties go into each, so a secured Kafka (TLS, SASL) is
 * reached by settings alone. {@code KafkaClientsTest} fails when code elsewhere builds a client itself.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    public static Admin admin(KafkaConnection kafka, Map<String, ?> settings) {
        return Admin.create(config(kafka, settings));
    }

    public static <K, V> KafkaConsumer<K, V> consumer(KafkaConnection kafka, Map<String, ?> settings) {
        return new KafkaConsumer<>(config(kafka, settings));
    }

    public static <K, V> KafkaProducer<K, V> producer(KafkaConnection kafka, Map<String, ?> settings) {
        return new KafkaProducer<>(config(kafka, settings));
    }

    public static Admin admin(KafkaConnection kafka, java.util.Properties settings) {
        return admin(kafka, strings(settings));
    }

    public static <K, V> KafkaConsumer<K, V> consumer(KafkaConnection kafka, java.util.Properties settings) {
        return consumer(kafka, strings(settings));
    }

    public static <K, V> KafkaProducer<K, V> producer(KafkaConnection kafka, java.util.Properties settings) {
        return producer(kafka, strings(settings));
    }

    private static Map<String, Object> strings(java.util.Properties p) {
        Map<String, Object> m = new HashMap<>();
        p.forEach((k, v) -> m.put(String.valueOf(k), v));
        return m;
    }

    /**
     * The connection's security as camel-kafka endpoint options ("&securityProtocol=SASL_SSL&saslMechanism=…&saslJaasConfig=
     * RAW{…}"; empty for PLAINTEXT): the consume routes' consumers are built by camel-kafka from their URI.
     */
    public static String endpointOptions(KafkaConnection kafka) {
        StringBuilder out = new StringBuilder();
        new java.util.TreeMap<>(kafka.security()).forEach((k, v) -> out.append('&').append(camelCase(k)).append("=RAW{").append(v).append('}'));
        return out.toString();
    }

    /** security.protocol -> securityProtocol, ssl.truststore.location -> sslTruststoreLocation. */
    static String camelCase(String property) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char c : property.toCharArray()) {
            if (c == '.') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return out.toString();
    }

    /** The client's own settings plus the connection's; a client's settings may not name the brokers or security itself. */
    static Map<String, Object> config(KafkaConnection kafka, Map<String, ?> settings) {
        Map<String, Object> conf = new HashMap<>();
        settings.forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || KafkaConnection.isSecurity(k)) {
                throw new IllegalArgumentException(k + " comes from the KafkaConnection (KAFKA_* settings), not from a client's own settings");
            }
            conf.put(k, v);
        });
        conf.putAll(kafka.properties());
        return conf;
    }
}
