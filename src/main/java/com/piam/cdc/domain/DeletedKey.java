package com.piam.cdc.domain;

/**
 * A delete known only by its key (a Debezium tombstone): the loader finds the row the key names
 * in ClickHouse and writes its deleted copy. {@code column} is the source's key column.
 */
public record DeletedKey(String column, String value) {
}
