package com.piam.cdc.capture;

import org.apache.camel.component.debezium.DebeziumComponent;
import org.apache.camel.component.debezium.DebeziumEndpoint;
import org.apache.camel.component.debezium.configuration.ConfigurationValidation;
import org.apache.camel.component.debezium.mysql.configuration.MySqlConnectorEmbeddedDebeziumConfiguration;
import org.apache.camel.support.PropertyBindingSupport;
import org.apache.camel.util.PropertiesHelper;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code debezium-mysql} component the capture route's endpoint comes from: camel-debezium-mysql's, with
 * endpoints that make an exchange without a thrown exception per row ({@link CaptureEndpoint}). Bound under
 * the scheme {@code debezium-mysql}, so the route and its URI options stay as they are. (camel-debezium-mysql's
 * own component and endpoint are final classes, and its generated option configurer is for its own endpoint
 * class: the options are bound onto the configuration here, as its component does.)
 */
public final class CaptureComponent extends DebeziumComponent<MySqlConnectorEmbeddedDebeziumConfiguration> {

    /** The scheme of the capture route's endpoint. */
    public static final String SCHEME = "debezium-mysql";

    private MySqlConnectorEmbeddedDebeziumConfiguration configuration = new MySqlConnectorEmbeddedDebeziumConfiguration();
    private String password;
    private Map<String, Object> secretProperties = Map.of();

    /**
     * The capture's password and the Debezium properties that hold secrets (the Kafka clients' security), given to
     * every endpoint this component makes. Never in the endpoint URI: a URI cannot carry every password (Camel ends a
     * RAW value at ")&" or "}&" and resolves "{{…}}" inside it), and routes and JMX show URIs.
     */
    public void secrets(String password, Map<String, Object> properties) {
        this.password = password;
        this.secretProperties = Map.copyOf(properties);
    }

    @Override
    public MySqlConnectorEmbeddedDebeziumConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public void setConfiguration(MySqlConnectorEmbeddedDebeziumConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    protected DebeziumEndpoint<MySqlConnectorEmbeddedDebeziumConfiguration> initializeDebeziumEndpoint(String uri,
            MySqlConnectorEmbeddedDebeziumConfiguration configuration) {
        return new CaptureEndpoint(uri, this, configuration);
    }

    @Override
    protected DebeziumEndpoint<MySqlConnectorEmbeddedDebeziumConfiguration> createEndpoint(String uri, String remaining,
            Map<String, Object> parameters) throws Exception {
        MySqlConnectorEmbeddedDebeziumConfiguration conf = (MySqlConnectorEmbeddedDebeziumConfiguration) getConfiguration().copy();
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("Connector name must be configured on endpoint using syntax " + SCHEME + ":name");
        }
        conf.setName(remaining);
        // additionalProperties.x=y pass to Debezium as they are (as camel-debezium does)
        Map<String, Object> additional = PropertiesHelper.extractProperties(parameters, "additionalProperties.");
        additional.forEach((k, v) -> conf.getAdditionalProperties().put(k, v));
        PropertyBindingSupport.build().withRemoveParameters(true).withIgnoreCase(true).bind(getCamelContext(), conf, parameters);
        if (password != null) {
            conf.setDatabasePassword(password);
        }
        Map<String, Object> properties = new HashMap<>(conf.getAdditionalProperties());
        properties.putAll(secretProperties);
        conf.setAdditionalProperties(properties);
        ConfigurationValidation validation = conf.validateConfiguration();
        if (!validation.isValid()) {
            throw new IllegalArgumentException(validation.getReason());
        }
        return initializeDebeziumEndpoint(uri, conf);
    }
}
