package com.piam.cdc.load;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.Change;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Inserts a batch's rows so that no row can hold the others back ({@link InsertErrors} tells why
 * ClickHouse failed):
 * <ul>
 *   <li>ClickHouse failing itself (down, slow, too many parts, ...): retried with backoff, rows kept;</li>
 *   <li>ClickHouse refusing a value, or a row our conversion fails on ({@link ClickHouseWriter.UnconvertibleRow}): the
 *   failing part is halved until the refused rows are alone, the rest goes in (a few inserts per refused row), the
 *   refused rows are returned with the reason;</li>
 *   <li>too many partitions (months) for one insert: one insert per partition.</li>
 * </ul>
 */
final class IsolatingInsert {

    private static final Logger LOG = LoggerFactory.getLogger(IsolatingInsert.class);

    /** A row ClickHouse (or the table's checks) will not take, and why. */
    record Refused<T>(Change<T> change, String reason) {
    }

    /** What one batch's insert did. */
    record Outcome<T>(List<Change<T>> loaded, List<Refused<T>> refused, long insertMs, int inserts) {
    }

    private final ClickHouseWriter writer;
    private final Retry retry;

    IsolatingInsert(ClickHouseWriter writer, Retry retry) {
        this.writer = writer;
        this.retry = retry;
    }

    <T> Outcome<T> insert(FactTable<T> table, List<Change<T>> rows, LoadState state, Supplier<String> backlog) {
        List<Change<T>> loaded = new ArrayList<>(rows.size());
        List<Refused<T>> refused = new ArrayList<>();
        long ms = 0;
        int[] inserts = {0};
        Deque<List<Change<T>>> todo = new ArrayDeque<>();
        if (!rows.isEmpty()) {
            todo.push(rows);
        }
        while (!todo.isEmpty()) {
            List<Change<T>> part = todo.pop();
            String what = "insert of " + part.size() + " rows into " + table.name();
            try {
                ms += retry.run(what, backlog, e -> !notTheServers(e), () -> {
                    inserts[0]++;
                    try {
                        long took = writer.insert(table, part);
                        state.succeeded();
                        return took;
                    } catch (Exception e) {
                        if (!notTheServers(e)) {
                            state.failed(e);
                        }
                        throw e;
                    }
                });
                loaded.addAll(part);
            } catch (Retry.NotRetried e) {
                if (InsertErrors.tooManyPartitions(e.getCause())) {
                    Map<Integer, List<Change<T>>> byPartition = new TreeMap<>();
                    part.forEach(c -> byPartition.computeIfAbsent(table.partition().apply(c.row()), k -> new ArrayList<>()).add(c));
                    if (byPartition.size() == 1) {
                        throw new IllegalStateException("ClickHouse says one partition is too many: " + e.getMessage(), e);
                    }
                    LOG.info("{}: {} partitions are too many for one insert; inserting them one by one", what, byPartition.size());
                    byPartition.values().forEach(todo::push);
                } else if (part.size() == 1) {
                    refused.add(new Refused<>(part.get(0), InsertErrors.reason(e.getCause())));
                } else {
                    int half = part.size() / 2;
                    todo.push(part.subList(half, part.size()));
                    todo.push(part.subList(0, half));
                }
            }
        }
        return new Outcome<>(loaded, refused, ms, inserts[0]);
    }

    /** A failure retrying cannot cure, because it is about the rows, not the server. */
    private static boolean notTheServers(Exception e) {
        return InsertErrors.rejectsData(e) || InsertErrors.tooManyPartitions(e);
    }
}
