package com.piam.cdc.capture;

import com.piam.cdc.capture.FirstSnapshot.Decision;
import com.piam.cdc.capture.FirstSnapshot.State;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The first start's snapshot marker: asked for once, asked again only if it never began, never read twice when done. */
class FirstSnapshotTest {

    private static final ByteBuffer ENGINE_KEY = utf8("[\"cloudgate-capture\",{\"server\":\"cloudgate\"}]");
    private static final String STREAMING = "{\"file\":\"mariadb-bin.000003\",\"pos\":4711,\"gtids\":\"0-1-99\"}";
    private static final String SNAPSHOTTING = "{\"file\":\"mariadb-bin.000003\",\"pos\":4711,"
            + "\"incremental_snapshot_collections\":\"[{\\\"incremental_snapshot_collections_id\\\":\\\"cloudgate.cg_access_event\\\"}]\","
            + "\"incremental_snapshot_primary_key\":\"aced0005\"}";

    private final FirstSnapshot first = new FirstSnapshot(List.of("cloudgate.cg_access_event", "cloudgate.cg_connector_health"),
            "cloudgate", "cloudgate.capture-signals", "cdc-capture-signals", com.piam.cdc.config.KafkaConnection.plaintext("127.0.0.1:1"));

    @Test
    void decisionsAtStart() {
        assertThat(FirstSnapshot.decide(false, null, false)).as("no offsets: a first start").isEqualTo(new Decision(State.REQUESTED, true));
        assertThat(FirstSnapshot.decide(true, null, false)).as("offsets from before this mode").isEqualTo(new Decision(null, false));
        assertThat(FirstSnapshot.decide(true, null, true)).isEqualTo(new Decision(null, false));
        assertThat(FirstSnapshot.decide(true, State.REQUESTED, false)).as("asked, never began: ask again")
                .isEqualTo(new Decision(State.REQUESTED, true));
        assertThat(FirstSnapshot.decide(false, State.REQUESTED, false)).isEqualTo(new Decision(State.REQUESTED, true));
        assertThat(FirstSnapshot.decide(true, State.REQUESTED, true)).as("began, the marker had not caught up")
                .isEqualTo(new Decision(State.RUNNING, false));
        assertThat(FirstSnapshot.decide(true, State.RUNNING, true)).as("Debezium continues it").isEqualTo(new Decision(State.RUNNING, false));
        assertThat(FirstSnapshot.decide(true, State.RUNNING, false)).as("finished before the marker said so")
                .isEqualTo(new Decision(State.DONE, false));
        assertThat(FirstSnapshot.decide(true, State.DONE, false)).isEqualTo(new Decision(State.DONE, false));
    }

    @Test
    void theMarkerFollowsTheOffsetsAndIsWrittenOncePerChange() {
        Map<ByteBuffer, ByteBuffer> stored = new HashMap<>(Map.of(ENGINE_KEY, utf8(STREAMING), first.key(), marker("REQUESTED")));
        first.start(storedWithoutAsking(stored, true));
        assertThat(first.state()).isEqualTo(State.RUNNING);
        Map<ByteBuffer, ByteBuffer> out = first.withMarker(Map.of(ENGINE_KEY, utf8(SNAPSHOTTING)));
        assertThat(string(out.get(first.key()))).as("RUNNING written with the next offsets").contains("\"state\":\"RUNNING\"");
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8(SNAPSHOTTING)))).as("unchanged: not written again")
                .doesNotContainKey(first.key());

        Map<ByteBuffer, ByteBuffer> done = first.withMarker(Map.of(ENGINE_KEY, utf8(STREAMING)));
        assertThat(first.state()).isEqualTo(State.DONE);
        assertThat(string(done.get(first.key()))).contains("\"state\":\"DONE\"").contains("cloudgate.cg_connector_health");
        assertThat(done.get(ENGINE_KEY)).as("the engine's offsets unchanged").isEqualTo(utf8(STREAMING));

        first.notWritten();
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8(STREAMING)))).as("a failed write: the marker goes again")
                .containsKey(first.key());
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8(SNAPSHOTTING)))).as("a later snapshot on demand: still DONE")
                .doesNotContainKey(first.key());
        assertThat(first.state()).isEqualTo(State.DONE);
    }

    @Test
    void offsetsFromBeforeTheModeAreLeftAlone() {
        first.start(Map.of(ENGINE_KEY, utf8(STREAMING)));
        assertThat(first.state()).isNull();
        Map<ByteBuffer, ByteBuffer> values = Map.of(ENGINE_KEY, utf8(SNAPSHOTTING));
        assertThat(first.withMarker(values)).isSameAs(values);
    }

    @Test
    void anotherPrefixsOffsetsInTheSameFileDoNotCount() {
        ByteBuffer other = utf8("[\"cloudgate-capture\",{\"server\":\"cg\"}]");
        assertThat(FirstSnapshot.decide(false, null, false).ask()).isTrue();
        first.start(Map.of(other, utf8(SNAPSHOTTING), first.key(), marker("RUNNING")));
        assertThat(first.state()).as("this prefix's snapshot is not in another prefix's offsets: finished").isEqualTo(State.DONE);
        assertThat(first.withMarker(Map.of(other, utf8(STREAMING)))).containsKey(first.key());
        assertThat(first.withMarker(Map.of(other, utf8(SNAPSHOTTING)))).as("DONE stays").doesNotContainKey(first.key());
    }

    @Test
    void aRunningSnapshotThatLeftTheOffsetsHasFinished() {
        first.start(Map.of(ENGINE_KEY, utf8(STREAMING), first.key(), marker("RUNNING")));
        assertThat(first.state()).isEqualTo(State.DONE);
        assertThat(string(first.withMarker(Map.of(ENGINE_KEY, utf8(STREAMING))).get(first.key()))).contains("DONE");
    }

    @Test
    void aSnapshotThatBeganAndEndedBetweenTwoOffsetWritesIsDoneWithTheFirstOffsetsPastItsEnd() {
        // asked for (no offsets yet); Debezium read the empty tables and completed at 000003:5000 between two writes
        assertThat(first.begin(Map.of()).ask()).isTrue();
        assertThat(first.state()).isEqualTo(State.REQUESTED);
        first.withMarker(Map.of(ENGINE_KEY, utf8(STREAMING)));
        FirstSnapshot.completed("cloudgate", "make-snapshot-1", new BinlogPosition("mariadb-bin.000003", 5000));
        FirstSnapshot.completed("other-prefix", FirstSnapshot.ID_PREFIX + "1", new BinlogPosition("mariadb-bin.000003", 5000));
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8(at(6000))))).as("another snapshot's or capture's end: not ours")
                .doesNotContainKey(first.key());

        FirstSnapshot.completed("cloudgate", FirstSnapshot.ID_PREFIX + "1", new BinlogPosition("mariadb-bin.000003", 5000));
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8(at(4711))))).as("offsets from before its end: its rows may not be "
                + "sent yet, a crash must ask again").doesNotContainKey(first.key());
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8(at(5000))))).as("the transaction it ended in: not yet")
                .doesNotContainKey(first.key());
        assertThat(first.state()).isEqualTo(State.REQUESTED);
        Map<ByteBuffer, ByteBuffer> past = first.withMarker(Map.of(ENGINE_KEY, utf8(at(5001))));
        assertThat(string(past.get(first.key()))).as("the first offsets of a later transaction carry DONE").contains("\"state\":\"DONE\"");
        assertThat(first.state()).isEqualTo(State.DONE);
        assertThat(FirstSnapshot.decide(true, State.DONE, false).ask()).as("so a restart asks nothing").isFalse();
        first.close();
    }

    @Test
    void aNewerBinlogFileIsPastItsEnd() {
        first.begin(Map.of());
        FirstSnapshot.completed("cloudgate", FirstSnapshot.ID_PREFIX + "2", new BinlogPosition("mariadb-bin.000003", 90_000));
        assertThat(first.withMarker(Map.of(ENGINE_KEY, utf8("{\"file\":\"mariadb-bin.000004\",\"pos\":4}")))).containsKey(first.key());
        assertThat(first.state()).isEqualTo(State.DONE);
        first.close();
    }

    @Test
    void binlogPositions() {
        assertThat(BinlogPosition.ofJson(STREAMING)).isEqualTo(new BinlogPosition("mariadb-bin.000003", 4711));
        assertThat(BinlogPosition.ofJson("{\"ts_sec\":1}")).isNull();
        assertThat(BinlogPosition.ofJson("not json")).isNull();
        assertThat(BinlogPosition.of(Map.of("file", "mariadb-bin.000010", "pos", 4L))).isEqualTo(new BinlogPosition("mariadb-bin.000010", 4));
        assertThat(BinlogPosition.of(Map.of("file", "f"))).isNull();
        assertThat(new BinlogPosition("mariadb-bin.000010", 4).isAfter(new BinlogPosition("mariadb-bin.000009", 999_999))).isTrue();
        assertThat(new BinlogPosition("mariadb-bin.000009", 5).isAfter(new BinlogPosition("mariadb-bin.000009", 5))).isFalse();
    }

    private static String at(long pos) {
        return "{\"file\":\"mariadb-bin.000003\",\"pos\":" + pos + ",\"gtids\":\"0-1-99\"}";
    }

    @Test
    void anUnreadableMarkerCountsAsDone() {
        assertThat(FirstSnapshot.parse("{\"state\":\"HALFWAY\"}")).isEqualTo(State.DONE);
        assertThat(FirstSnapshot.parse("garbage")).isEqualTo(State.DONE);
        assertThat(FirstSnapshot.parse("{\"state\":\"RUNNING\",\"tables\":\"a,b\",\"at\":1}")).isEqualTo(State.RUNNING);
    }

    @Test
    void fromTheEngineConfiguration() {
        assertThat(FirstSnapshot.from(Map.of("topic.prefix", "cloudgate"))).as("not incremental").isNull();
        FirstSnapshot f = FirstSnapshot.from(Map.of(FirstSnapshot.TABLES, "db.a, db.b", FirstSnapshot.SIGNAL_TOPIC, "t",
                FirstSnapshot.SIGNAL_GROUP, "g", FirstSnapshot.KAFKA_PREFIX + "bootstrap.servers", "b:1", "topic.prefix", "p"));
        assertThat(string(f.key())).isEqualTo("[\"piam\",{\"first-snapshot\":\"p\"}]");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> FirstSnapshot.from(Map.of(FirstSnapshot.TABLES, "db.a")))
                .hasMessageContaining(FirstSnapshot.SIGNAL_TOPIC);
    }

    /** The stored offsets with the snapshot in them (REQUESTED + snapshot in offsets → RUNNING, nothing asked). */
    private static Map<ByteBuffer, ByteBuffer> storedWithoutAsking(Map<ByteBuffer, ByteBuffer> stored, boolean snapshotting) {
        if (snapshotting) {
            stored.put(ENGINE_KEY, utf8(SNAPSHOTTING));
        }
        return stored;
    }

    private static ByteBuffer marker(String state) {
        return utf8("{\"state\":\"" + state + "\",\"tables\":\"x\",\"at\":1}");
    }

    private static ByteBuffer utf8(String s) {
        return FirstSnapshot.utf8(s);
    }

    private static String string(ByteBuffer b) {
        return FirstSnapshot.string(b);
    }
}
