package com.piam.cdc.domain;

/**
 * A delete known only by its key (a Debezium tombstone): the loader finds the row the key names
 * in ClickHouse and writes its deleted copy. {@code column} is the fact table's column holding the
 * source key; {@code numeric} says the value is a whole number (checked by the mapping).
 */
public record DeletedKey(String column, String value, boolean numeric) {
}
