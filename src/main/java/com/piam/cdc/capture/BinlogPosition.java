package com.piam.cdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Map;

/**
 * Where in the source's binlog a Debezium offset stands: the file and the position of its transaction (Debezium's
 * MySQL/MariaDB offsets {@code {"file":"mariadb-bin.000003","pos":4711,…}}). Changes of one transaction share a
 * position, a later transaction has a greater one; so an offset strictly after another was written by a later
 * transaction. Binlog file names share their base and a zero-padded number, so they order as text.
 */
record BinlogPosition(String file, long pos) implements Comparable<BinlogPosition> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** From an offset map; null when it has no binlog position. */
    static BinlogPosition of(Map<String, ?> offset) {
        Object file = offset == null ? null : offset.get("file");
        Object pos = offset == null ? null : offset.get("pos");
        if (file == null || !(pos instanceof Number n)) {
            return null;
        }
        return new BinlogPosition(file.toString(), n.longValue());
    }

    /** From an offset as the offset store writes it (JSON); null when it has none or cannot be read. */
    static BinlogPosition ofJson(String offset) {
        try {
            JsonNode n = JSON.readTree(offset);
            if (n == null || !n.path("file").isTextual() || !n.path("pos").canConvertToLong()) {
                return null;
            }
            return new BinlogPosition(n.path("file").asText(), n.path("pos").asLong());
        } catch (Exception e) {
            return null;
        }
    }

    boolean isAfter(BinlogPosition other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(BinlogPosition o) {
        int byFile = file.compareTo(o.file);
        return byFile != 0 ? byFile : Long.compare(pos, o.pos);
    }

    @Override
    public String toString() {
        return file + ":" + pos;
    }
}
