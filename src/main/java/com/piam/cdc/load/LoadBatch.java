package com.piam.cdc.load;

import com.piam.cdc.domain.Change;

import java.util.ArrayList;
import java.util.List;

/** Rows collected by the aggregator for one ClickHouse insert (each change settles its own delivery). */
public class LoadBatch {

    private final List<Change<?>> changes = new ArrayList<>();
    private long bytes;

    void add(Change<?> change) {
        changes.add(change);
        bytes += LoadBudget.size(change);
    }

    /** Estimated heap bytes of the rows ({@link LoadBudget#size}). */
    public long bytes() {
        return bytes;
    }

    public List<Change<?>> changes() {
        return changes;
    }

    public int size() {
        return changes.size();
    }
}
