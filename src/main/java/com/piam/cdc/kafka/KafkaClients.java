package com.piam.cdc.kafka;

import com.piam.cdc.config.KafkaConnection;
import org.apache.camel.component.kafka.KafkaConfiguration;
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
     * Gives a camel-kafka endpoint's configuration the connection's security (the consume routes' consumers are built by
     * camel-kafka). Set on the configuration, not in the endpoint URI: a URI cannot carry every password (Camel ends a
     * RAW value at ")&" or "}&" and resolves "{{…}}" inside it), and routes and JMX show URIs.
     */
    public static void secure(KafkaConfiguration conf, KafkaConnection kafka) {
        kafka.security().forEach((k, v) -> {
            switch (k) {
                case "security.protocol" -> conf.setSecurityProtocol(v);
                case "sasl.mechanism" -> conf.setSaslMechanism(v);
                case "sasl.jaas.config" -> conf.setSaslJaasConfig(v);
                case "ssl.truststore.location" -> conf.setSslTruststoreLocation(v);
                case "ssl.truststore.type" -> conf.setSslTruststoreType(v);
                default -> {
                    Map<String, Object> extra = conf.getAdditionalProperties() == null ? new HashMap<>()
                            : new HashMap<>(conf.getAdditionalProperties());
                    extra.put(k, v);
                    conf.setAdditionalProperties(extra);
                }
            }
        });
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
