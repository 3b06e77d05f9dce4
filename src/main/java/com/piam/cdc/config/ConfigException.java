package com.piam.cdc.config;

/** A configuration value that cannot be used. The message names the key, the value and what is allowed. */
public class ConfigException extends RuntimeException {

    public ConfigException(String key, String value, String allowed) {
        super("Invalid configuration: " + key + "='" + value + "': " + allowed);
    }

    public ConfigException(String message) {
        super(message);
    }
}
