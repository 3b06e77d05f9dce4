package com.piam.cdc.capture;

import com.piam.cdc.config.KafkaConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The first start's snapshot as an incremental one (CAPTURE_SNAPSHOT_MODE=incremental): Debezium starts streaming at
 * the binlog's end (its snapshot mode no_data) and, when no offsets were stored yet, this asks it over the signal
 * topic to read the tables' existing rows in chunks between the changes it streams. A restart or a takeover then
 * continues from the last finished chunk (Debezium keeps the snapshot's position with the offsets) instead of
 * reading every row again, and fresh rows never wait for the snapshot.
 * <p>
 * Whether the request was made and whether the snapshot ran is a marker kept with the offsets (both capture offset
 * stores call {@link #start} and {@link #withMarker}); it moves REQUESTED → RUNNING → DONE and is written in the same
 * write as the offsets it describes. So a capturer that dies after asking but before the snapshot shows in the offsets
 * leaves REQUESTED behind, and its successor asks again — unless the request still waits unread in the signal topic.
 * <p>
 * A snapshot of small or empty tables can begin and end between two offset writes, so the offsets never show it. Then
 * Debezium's COMPLETED notification ({@link SnapshotNotifications}) tells where in the binlog it ended, and the marker
 * becomes DONE with the first offsets written by a later transaction (earlier ones may still precede the snapshot's
 * rows: a crash then must ask again).
 */
public final class FirstSnapshot {

    private static final Logger LOG = LoggerFactory.getLogger(FirstSnapshot.class);

    /** Engine configuration keys (the capture route sets them in incremental mode). */
    static final String TABLES = "piam.first-snapshot.tables";
    static final String SIGNAL_TOPIC = "piam.first-snapshot.signal.topic";
    static final String SIGNAL_GROUP = "piam.first-snapshot.signal.group";
    /** Its Kafka connection comes as {@code piam.first-snapshot.}bootstrap.servers and security properties. */
    static final String KAFKA_PREFIX = "piam.first-snapshot.";
    static final String PREFIX = "topic.prefix";
    /** What Debezium's offsets hold while an incremental snapshot runs (AbstractIncrementalSnapshotContext.store). */
    static final String SNAPSHOT_IN_OFFSETS = "incremental_snapshot_collections";
    static final String ID_PREFIX = "first-start-";

    enum State { REQUESTED, RUNNING, DONE }

    /** What to do at start: the marker's state from now on, and whether to ask for the snapshot. */
    record Decision(State state, boolean ask) {
    }

    private final List<String> tables;
    private final String prefix;
    private final String signalTopic;
    private final String signalGroup;
    private final KafkaConnection kafka;
    private final ByteBuffer key;
    private final String serverPartition;
    private State state;
    private boolean unwritten;
    private BinlogPosition completedAt;

    /** This runtime's first start snapshots not yet DONE, by topic prefix: where Debezium's notifications find them. */
    private static final Map<String, FirstSnapshot> UNFINISHED = new ConcurrentHashMap<>();

    FirstSnapshot(List<String> tables, String prefix, String signalTopic, String signalGroup, KafkaConnection kafka) {
        this.tables = tables;
        this.prefix = prefix;
        this.signalTopic = signalTopic;
        this.signalGroup = signalGroup;
        this.kafka = kafka;
        this.key = utf8("[\"piam\",{\"first-snapshot\":\"" + prefix + "\"}]");
        this.serverPartition = "{\"server\":\"" + prefix + "\"}";
    }

    /** From the engine's configuration; null when the first start's snapshot is not incremental. */
    static FirstSnapshot from(Map<String, Object> config) {
        Object tables = config.get(TABLES);
        if (tables == null) {
            return null;
        }
        for (String k : List.of(SIGNAL_TOPIC, SIGNAL_GROUP, KAFKA_PREFIX + "bootstrap.servers", PREFIX)) {
            if (config.get(k) == null) {
                throw new IllegalStateException("capture: " + k + " must be set with " + TABLES);
            }
        }
        return new FirstSnapshot(Arrays.stream(String.valueOf(tables).split(",")).map(String::strip).toList(),
                String.valueOf(config.get(PREFIX)), String.valueOf(config.get(SIGNAL_TOPIC)),
                String.valueOf(config.get(SIGNAL_GROUP)), KafkaConnection.fromConfig(config, KAFKA_PREFIX));
    }

    /**
     * The marker's next state from what the store read at start: no offsets at all is a first start; offsets without
     * a marker were written before this mode (nothing to do); REQUESTED without the snapshot in the offsets was never
     * begun (ask again); RUNNING without it has finished.
     */
    static Decision decide(boolean offsets, State marker, boolean snapshotInOffsets) {
        if (marker == null) {
            return offsets ? new Decision(null, false) : new Decision(State.REQUESTED, true);
        }
        return switch (marker) {
            case REQUESTED -> snapshotInOffsets ? new Decision(State.RUNNING, false) : new Decision(State.REQUESTED, true);
            case RUNNING -> new Decision(snapshotInOffsets ? State.RUNNING : State.DONE, false);
            case DONE -> new Decision(State.DONE, false);
        };
    }

    /** The next state after the engine wrote these offsets: RUNNING once the snapshot shows in them, DONE once it left. */
    static State next(State state, boolean snapshotInOffsets) {
        if (state == State.REQUESTED && snapshotInOffsets) {
            return State.RUNNING;
        }
        if (state == State.RUNNING && !snapshotInOffsets) {
            return State.DONE;
        }
        return state;
    }

    /** Called by the offset store once it has read the stored offsets; asks for the snapshot if that is due. */
    synchronized void start(Map<ByteBuffer, ByteBuffer> stored) {
        State marker = markerIn(stored);
        Decision d = begin(stored);
        if (!d.ask()) {
            return;
        }
        if (SnapshotSignal.unreadRequest(kafka, signalTopic, signalGroup, prefix, ID_PREFIX)) {
            LOG.info("capture: the first start's snapshot of {} is already asked for in {} and not yet read; not asking again",
                    tables, signalTopic);
            return;
        }
        String id = ID_PREFIX + System.currentTimeMillis();
        try {
            SnapshotSignal.send(kafka, signalTopic, prefix, SnapshotSignal.json(id, tables, null), "piam-first-snapshot");
        } catch (Exception e) {
            throw new IllegalStateException("capture: could not ask for the first start's snapshot in " + signalTopic + " at "
                    + kafka.bootstrap() + ": " + e.getMessage(), e);
        }
        LOG.info(marker == null
                ? "capture: first start (no offsets stored yet): streaming from the binlog's end, and the rows already in {} are "
                        + "read by an incremental snapshot ({}) in chunks between the streamed changes; a restart or takeover "
                        + "continues from the last finished chunk"
                : "capture: the first start's snapshot of {} was asked for but never began; asked again ({})", tables, id);
    }

    private State markerIn(Map<ByteBuffer, ByteBuffer> stored) {
        ByteBuffer m = stored.get(key);
        return m == null ? null : parse(string(m));
    }

    /** The state from the stored offsets (without asking for anything); whether to ask. */
    synchronized Decision begin(Map<ByteBuffer, ByteBuffer> stored) {
        State marker = markerIn(stored);
        boolean offsets = stored.keySet().stream().anyMatch(this::engineKey);
        boolean inOffsets = stored.entrySet().stream().anyMatch(e -> engineKey(e.getKey()) && holdsSnapshot(e.getValue()));
        Decision d = decide(offsets, marker, inOffsets);
        state = d.state();
        unwritten = d.state() != marker;
        if (state == State.REQUESTED || state == State.RUNNING) {
            UNFINISHED.put(prefix, this);
        }
        if (marker == State.RUNNING && d.state() == State.RUNNING) {
            LOG.info("capture: the first start's snapshot of {} continues from its last finished chunk", tables);
        } else if (d.state() == State.DONE && marker != State.DONE) {
            LOG.info("capture: the first start's snapshot of {} has finished", tables);
        }
        return d;
    }

    /** The offsets to write: the engine's, with the marker when its state changed since it was last written. */
    synchronized Map<ByteBuffer, ByteBuffer> withMarker(Map<ByteBuffer, ByteBuffer> values) {
        if (state == null) {
            return values;
        }
        boolean inOffsets = values.entrySet().stream().anyMatch(e -> engineKey(e.getKey()) && holdsSnapshot(e.getValue()));
        State after = next(state, inOffsets);
        if (after != State.DONE && !inOffsets && completedAt != null && values.entrySet().stream().anyMatch(e -> engineKey(e.getKey())
                && e.getValue() != null && after(BinlogPosition.ofJson(string(e.getValue())), completedAt))) {
            after = State.DONE; // it began and ended between two offset writes; these offsets are past its end
        }
        if (after == State.DONE) {
            UNFINISHED.remove(prefix, this);
        }
        if (after != state) {
            state = after;
            unwritten = true;
            LOG.info(after == State.RUNNING ? "capture: the first start's snapshot of {} has begun"
                    : "capture: the first start's snapshot of {} has finished", tables);
        }
        if (!unwritten) {
            return values;
        }
        unwritten = false;
        Map<ByteBuffer, ByteBuffer> out = new LinkedHashMap<>(values);
        out.put(key, utf8("{\"state\":\"" + state + "\",\"tables\":\"" + String.join(",", tables) + "\",\"at\":"
                + System.currentTimeMillis() + "}"));
        return out;
    }

    /**
     * Debezium's notification (any thread): the incremental snapshot {@code id} completed at {@code at}. Only the first
     * start's (its id begins with {@value #ID_PREFIX}) of a capture with this prefix in this runtime counts.
     */
    static void completed(String prefix, String id, BinlogPosition at) {
        FirstSnapshot first = UNFINISHED.get(prefix);
        if (first != null && id != null && id.startsWith(ID_PREFIX) && at != null) {
            first.completedAt(at);
        }
    }

    synchronized void completedAt(BinlogPosition at) {
        if (state == State.REQUESTED || state == State.RUNNING) {
            completedAt = at;
            LOG.info("capture: Debezium completed the first start's snapshot of {} at binlog {}; kept with the next offsets past it",
                    tables, at);
        }
    }

    /** The offset store stops: no more notifications for this one. */
    void close() {
        UNFINISHED.remove(prefix, this);
    }

    private static boolean after(BinlogPosition offset, BinlogPosition completed) {
        return offset != null && offset.isAfter(completed);
    }

    /** A write failed: the marker goes again with the next one. */
    synchronized void notWritten() {
        if (state != null) {
            unwritten = true;
        }
    }

    synchronized State state() {
        return state;
    }

    ByteBuffer key() {
        return key;
    }

    /** The marker's state; one that cannot be read counts as DONE (never a whole snapshot again by mistake). */
    static State parse(String marker) {
        try {
            return State.valueOf(marker.replaceAll("(?s).*\"state\":\"(\\w+)\".*", "$1"));
        } catch (IllegalArgumentException e) {
            LOG.warn("capture: the first start's snapshot marker {} cannot be read; taken as finished", marker);
            return State.DONE;
        }
    }

    /**
     * An offset of this connector: Debezium's key names its partition by the topic prefix
     * ({@code ["cloudgate-capture",{"server":"<prefix>"}]}); the offset file may hold other prefixes' offsets too.
     */
    private boolean engineKey(ByteBuffer k) {
        return !k.equals(key) && string(k).contains(serverPartition);
    }

    private static boolean holdsSnapshot(ByteBuffer value) {
        return value != null && string(value).contains(SNAPSHOT_IN_OFFSETS);
    }

    static ByteBuffer utf8(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    static String string(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return new String(out, StandardCharsets.UTF_8);
    }
}
