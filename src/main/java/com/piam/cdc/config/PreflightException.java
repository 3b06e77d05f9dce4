package com.piam.cdc.config;

/** A start-up check of the environment failed; the message says what is wrong and how to fix it. */
public class PreflightException extends ConfigException {

    public PreflightException(String message) {
        super("Preflight failed: " + message);
    }
}
