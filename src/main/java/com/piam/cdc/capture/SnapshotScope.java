package com.piam.cdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/**
 * Whether an incremental snapshot reads a whole table or only the rows of a condition ({@code make snapshot
 * WHERE=…}, JMX), as Debezium records it in a snapshot row's source offset ({@code incremental_snapshot_collections}:
 * each table's id and additional condition). SnapshotProgress counts the rows before a part's first key as read only
 * for a whole table: with a condition most of them are not the snapshot's.
 */
final class SnapshotScope {

    static final String COLLECTIONS = "incremental_snapshot_collections";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotScope() {
    }

    /** True unless the offset names {@code tableId} (db.table) with a condition; true when it cannot tell. */
    static boolean wholeTable(Map<String, ?> offset, String tableId) {
        if (offset == null || tableId == null || !(offset.get(COLLECTIONS) instanceof String collections)) {
            return true;
        }
        try {
            for (JsonNode c : JSON.readTree(collections)) {
                if (tableId.equals(c.path("incremental_snapshot_collections_id").asText())) {
                    JsonNode condition = c.path("incremental_snapshot_collections_additional_condition");
                    return condition.isMissingNode() || condition.isNull() || condition.asText().isBlank();
                }
            }
        } catch (Exception e) {
            return true;
        }
        return true;
    }
}
