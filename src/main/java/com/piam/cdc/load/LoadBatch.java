package com.piam.cdc.load;

import com.piam.cdc.domain.Change;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows collected by the aggregator for one ClickHouse insert, plus, on the CDC path, what to
 * acknowledge once the insert succeeded: for every Kafka partition the commit of the highest
 * offset in the batch (so a crash before the insert replays the batch, never skips it).
 */
public class LoadBatch {

    /** Body of a record that carries no row (set aside to the dead-letter topic) but whose offset must be committed. */
    public static final Object OFFSET_ONLY = new Object() {
        @Override
        public String toString() {
            return "OFFSET_ONLY";
        }
    };

    private record Position(long offset, Runnable commit) {
    }

    private final List<Change<?>> changes = new ArrayList<>();
    private final Map<String, Position> highest = new LinkedHashMap<>();

    void add(Change<?> change) {
        changes.add(change);
    }

    /** Remembers {@code commit} if {@code offset} is the highest seen for {@code partition} in this batch. */
    void track(String partition, long offset, Runnable commit) {
        highest.merge(partition, new Position(offset, commit), (a, b) -> b.offset() > a.offset() ? b : a);
    }

    public List<Change<?>> changes() {
        return changes;
    }

    public int size() {
        return changes.size();
    }

    /** Commits the highest offset of every partition in the batch; returns e.g. "topic-0@41". */
    String acknowledge() {
        StringBuilder done = new StringBuilder();
        highest.forEach((partition, p) -> {
            p.commit().run();
            done.append(done.length() == 0 ? "" : ", ").append(partition).append('@').append(p.offset());
        });
        return done.toString();
    }
}
