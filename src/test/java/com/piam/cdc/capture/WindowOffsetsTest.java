package com.piam.cdc.capture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offsets taken while Debezium sends an incremental snapshot window from a row event claim that row as done before it
 * is sent: stored, they get one row less to skip (the row is sent again rather than lost); every other offset as it is.
 */
class WindowOffsetsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ByteBuffer KEY = utf8("[\"cg\",{\"server\":\"cg\"}]");
    /** As the capture's offset store held it when the 5 M-row walk-through lost a row (pos 4936100: the transaction's begin). */
    private static final String IN_WINDOW = "{\"transaction_id\":null,\"ts_sec\":1796576291,\"file\":\"mariadb-bin.000001\","
            + "\"pos\":4936100,\"incremental_snapshot_maximum_key\":\"aced0005\",\"gtids\":\"0-1-3411\",\"row\":1,\"server_id\":1,"
            + "\"event\":2,\"incremental_snapshot_collections\":\"[{\\\"incremental_snapshot_collections_id\\\":\\\"cloudgate.cg_access_event\\\"}]\","
            + "\"snapshot\":\"INCREMENTAL\",\"incremental_snapshot_primary_key\":\"aced0005757200\"}";

    private static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode read(ByteBuffer b) throws Exception {
        ByteBuffer d = b.duplicate();
        byte[] bytes = new byte[d.remaining()];
        d.get(bytes);
        return JSON.readTree(bytes);
    }

    @Test
    void anOffsetFromInsideAWindowSkipsOneRowLessAndLosesItsMark() throws Exception {
        JsonNode safe = read(WindowOffsets.safe(utf8(IN_WINDOW)));
        assertThat(safe.path("row").asLong()).as("the row the window claimed is sent again").isZero();
        assertThat(safe.path("event").asLong()).isEqualTo(2);
        assertThat(safe.has("snapshot")).isFalse();
        assertThat(safe.path("pos").asLong()).isEqualTo(4936100);
        assertThat(safe.path("incremental_snapshot_primary_key").asText()).as("the snapshot's position is kept")
                .isEqualTo("aced0005757200");
        assertThat(safe.path("incremental_snapshot_collections").asText()).contains("cloudgate.cg_access_event");

        JsonNode third = read(WindowOffsets.safe(utf8(IN_WINDOW.replace("\"row\":1", "\"row\":3"))));
        assertThat(third.path("row").asLong()).isEqualTo(2);
        JsonNode atBegin = read(WindowOffsets.safe(utf8(IN_WINDOW.replace("\"row\":1,", "").replace("\"event\":2,", ""))));
        assertThat(atBegin.has("row")).as("a window sent at a transaction's begin claims no row").isFalse();
        assertThat(atBegin.has("snapshot")).isFalse();
    }

    @Test
    void everyOtherOffsetIsKeptAsItIs() {
        ByteBuffer streamed = utf8(IN_WINDOW.replace(",\"snapshot\":\"INCREMENTAL\"", ""));
        assertThat(WindowOffsets.safe(streamed)).isSameAs(streamed);
        ByteBuffer blocking = utf8("{\"file\":\"mariadb-bin.000001\",\"pos\":4,\"row\":1,\"snapshot\":true}");
        assertThat(WindowOffsets.safe(blocking)).isSameAs(blocking);
        Map<ByteBuffer, ByteBuffer> values = new LinkedHashMap<>();
        values.put(KEY, null);
        assertThat(WindowOffsets.safe(values)).containsEntry(KEY, null);
    }
}
