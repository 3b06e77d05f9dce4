package com.piam.cdc.load;

import com.piam.cdc.domain.Change;

import java.util.ArrayList;
import java.util.List;

/** Rows collected by the aggregator for one ClickHouse insert (each change settles its own delivery). */
public class LoadBatch {

    private final List<Change<?>> changes = new ArrayList<>();

    void add(Change<?> change) {
        changes.add(change);
    }

    public List<Change<?>> changes() {
        return changes;
    }

    public int size() {
        return changes.size();
    }
}
