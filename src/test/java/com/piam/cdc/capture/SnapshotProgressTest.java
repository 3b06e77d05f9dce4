package com.piam.cdc.capture;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The snapshot progress line: rows read of about how many, the rate and the time left; nothing while nothing is read. */
class SnapshotProgressTest {

    @Test
    void aLineSaysHowFarHowFastAndHowLong() {
        assertThat(SnapshotProgress.line(120_000, 1_500_000, 9_800))
                .isEqualTo("120,000 rows read of about 1,500,000 in the table (8%), 9,800 rows/s, at most about 2 min 20 s left");
        assertThat(SnapshotProgress.line(1_600_000, 1_500_000, 9_800)).as("the estimate was low")
                .isEqualTo("1,600,000 rows read of about 1,600,000 in the table (100%), 9,800 rows/s");
        assertThat(SnapshotProgress.line(500, -1, 50)).isEqualTo("500 rows read, 50 rows/s");
        assertThat(SnapshotProgress.duration(7_260)).isEqualTo("2 h 1 min");
    }

    @Test
    void reportsOnlyWhileRowsAreRead() {
        CaptureLiveness liveness = new CaptureLiveness();
        SnapshotProgress progress = new SnapshotProgress(liveness, null, "cloudgate");
        for (int i = 0; i < 1_000; i++) {
            liveness.snapshotRead("cg_access_event");
        }
        progress.reportAt(10_000);
        assertThat(liveness.snapshotProgress()).as("first sight: no rate yet").isEmpty();
        for (int i = 0; i < 2_000; i++) {
            liveness.snapshotRead("cg_access_event");
        }
        progress.reportAt(20_000);
        assertThat(liveness.snapshotProgress().get("cg_access_event").text()).isEqualTo("3,000 rows read, 200 rows/s");
        progress.reportAt(25_000);
        assertThat(liveness.snapshotProgress()).as("within 10 s: unchanged").hasSize(1);
        progress.reportAt(30_000);
        assertThat(liveness.snapshotProgress()).as("nothing read for 10 s: the snapshot ended").isEmpty();
    }

    private static final Schema KEY = SchemaBuilder.struct().field("event_id", Schema.STRING_SCHEMA).build();

    private static Struct key(String id) {
        return new Struct(KEY).put("event_id", id);
    }

    /**
     * A successor continues a snapshot from its last finished chunk: the rows before the first key it reads were read by
     * the runtime before it, and the figures go on from there (counted once per part, again after a pause).
     */
    @Test
    void aSnapshotContinuedHereCountsTheRowsReadBeforeItsFirstKey() {
        CaptureLiveness liveness = new CaptureLiveness();
        List<String> asked = new ArrayList<>();
        SnapshotProgress progress = new SnapshotProgress(liveness, null, "cloudgate", (table, start) -> {
            asked.add(table + " " + start.keyColumn() + " < " + start.key() + " after " + start.rowsBefore());
            return start.key().equals("k-2000000") ? 2_000_000L : 3_000_000L;
        });
        liveness.snapshotRead("cg_access_event", key("k-2000000"));
        for (int i = 1; i < 1_000; i++) {
            liveness.snapshotRead("cg_access_event", key("k-" + (2_000_000 + i)));
        }
        progress.reportAt(10_000);
        for (int i = 0; i < 2_000; i++) {
            liveness.snapshotRead("cg_access_event", key("k-x"));
        }
        progress.reportAt(20_000);
        assertThat(liveness.snapshotProgress().get("cg_access_event").text()).isEqualTo("2,003,000 rows read, 200 rows/s");
        for (int i = 0; i < 1_000; i++) {
            liveness.snapshotRead("cg_access_event", key("k-y"));
        }
        progress.reportAt(30_000);
        assertThat(liveness.snapshotProgress().get("cg_access_event").text()).isEqualTo("2,004,000 rows read, 100 rows/s");
        assertThat(asked).as("counted once for the part").containsExactly("cg_access_event event_id < k-2000000 after 0");

        progress.reportAt(40_000); // nothing read for 10 s: the part has ended
        assertThat(liveness.snapshotProgress()).isEmpty();
        liveness.snapshotRead("cg_access_event", key("k-3000000")); // read again later: a new part, counted anew
        for (int i = 0; i < 499; i++) {
            liveness.snapshotRead("cg_access_event", key("k-z"));
        }
        progress.reportAt(50_000);
        assertThat(liveness.snapshotProgress().get("cg_access_event").text()).isEqualTo("3,000,500 rows read, 50 rows/s");
        assertThat(asked).last().isEqualTo("cg_access_event event_id < k-3000000 after 4000");
    }

    /**
     * A snapshot limited by a condition (make snapshot WHERE=…, found with WHERE="event_id LIKE 'ui-%'" on a 3 M-row
     * table: "3,075,099 rows read of about 3,075,099" for 300,000 rows) counts only its own rows: the rows before its first
     * key are not counted (nor is the source asked), and a whole-table snapshot's offset still gets them counted.
     */
    @Test
    void aSnapshotLimitedByAConditionCountsOnlyItsOwnRows() {
        CaptureLiveness liveness = new CaptureLiveness();
        List<String> asked = new ArrayList<>();
        SnapshotProgress progress = new SnapshotProgress(liveness, null, "cloudgate", (table, start) -> {
            asked.add(table);
            return 2_958_708L;
        }, () -> Map.of("cg_access_event", 3_035_465L));
        Map<String, String> conditioned = Map.of(SnapshotScope.COLLECTIONS, "[{\"incremental_snapshot_collections_id\":"
                + "\"cloudgate.cg_access_event\",\"incremental_snapshot_collections_additional_condition\":\"event_id LIKE 'ui-%'\","
                + "\"incremental_snapshot_collections_surrogate_key\":null}]");
        liveness.snapshotRead("cg_access_event", key("ui-000000"), conditioned, "cloudgate");
        for (int i = 1; i < 1_000; i++) {
            liveness.snapshotRead("cg_access_event", key("ui-" + i), conditioned, "cloudgate");
        }
        progress.reportAt(10_000);
        for (int i = 0; i < 500; i++) {
            liveness.snapshotRead("cg_access_event", key("ui-x"), conditioned, "cloudgate");
        }
        progress.reportAt(20_000);
        assertThat(liveness.snapshotProgress().get("cg_access_event").text())
                .as("the table's estimate says nothing of the condition's rows: no percentage, no time left")
                .isEqualTo("1,500 rows read, 50 rows/s");
        assertThat(asked).as("the rows before its first key are not the snapshot's: not counted").isEmpty();

        assertThat(SnapshotScope.wholeTable(Map.of(SnapshotScope.COLLECTIONS, "[{\"incremental_snapshot_collections_id\":"
                + "\"cloudgate.cg_access_event\",\"incremental_snapshot_collections_additional_condition\":null}]"),
                "cloudgate.cg_access_event")).as("no condition: the whole table").isTrue();
        assertThat(SnapshotScope.wholeTable(conditioned, "cloudgate.cg_connector_health")).as("another table's condition").isTrue();
        assertThat(SnapshotScope.wholeTable(conditioned, "cloudgate.cg_access_event")).isFalse();
        assertThat(SnapshotScope.wholeTable(Map.of(SnapshotScope.COLLECTIONS, "not json"), "cloudgate.cg_access_event")).isTrue();
        assertThat(SnapshotScope.wholeTable(null, "cloudgate.cg_access_event")).isTrue();
    }
}
