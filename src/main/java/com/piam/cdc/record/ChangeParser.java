package com.piam.cdc.record;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Reads a record value of the {@link RecordFormat}: UTF-8 JSON bytes, read without decoding to a
 * String first. Accepts what this runtime's capture writes and what a Debezium Connect writes with
 * the JsonConverter, with or without its schema envelope.
 */
public final class ChangeParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeParser() {
    }

    /**
     * The row (with __op, __ts_ms ...); null for a tombstone, in every form a Connect converter
     * writes one: no value, only white space, the JSON literal null (JsonConverter without schemas
     * for a value with a schema), or a schema envelope whose payload is null.
     */
    public static JsonNode row(byte[] value) throws BadRecordException {
        if (value == null || value.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node == null || node.isMissingNode() || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw new BadRecordException("value is not a JSON object (" + node.getNodeType().name().toLowerCase() + ")");
            }
            // a Connect JsonConverter with schemas.enable=true wraps the row in {"schema":…,"payload":…}
            if (node.has("payload") && node.has("schema")) {
                node = node.get("payload");
                if (node == null || node.isNull()) {
                    return null;
                }
                if (!node.isObject()) {
                    throw new BadRecordException("payload is not a JSON object");
                }
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRecordException("value is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadRecordException("value cannot be read: " + e.getMessage(), e);
        }
    }

    /** The key columns of a record key (JSON, with or without the converter's schema envelope); null if there are none. */
    public static JsonNode key(String key) throws BadRecordException {
        if (key == null || key.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(key);
            if (node != null && node.isObject() && node.has("payload") && node.has("schema")) {
                node = node.get("payload");
            }
            if (node == null || !node.isObject()) {
                throw new BadRecordException("key " + BadRecordException.clip(key) + " is not a JSON object of key columns");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRecordException("key " + BadRecordException.clip(key) + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }
}
