package com.piam.cdc.load;

import com.piam.cdc.PipelineMetrics;
import com.piam.cdc.Retry;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.DeletedKey;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.File;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes one completed batch into a ClickHouse fact table as ONE prepared JDBC batch insert and
 * logs one line for it. Every row ends loaded or set aside, never dropped:
 * <ul>
 *   <li>a value the column cannot hold is found before the insert ({@link FactTable#problem}) and the row set aside;</li>
 *   <li>while ClickHouse fails (down, slow, too many parts...) the batch is retried with backoff and kept;
 *   the route's bounded buffer then fills and its producers wait, so memory stays bounded;</li>
 *   <li>when ClickHouse refuses a value ({@link InsertErrors}), the batch is halved until the refused rows
 *   are alone; the rest goes in, the refused rows are set aside with ClickHouse's message.</li>
 * </ul>
 * Set aside means: on the CDC path the record goes to its topic's dead-letter topic (the delivery
 * does that; if Kafka refuses, it is retried); in direct mode to a dead-letter file. Then the
 * loaded rows' deliveries are settled, which lets their Kafka offsets be committed.
 */
public class FactLoader {

    private static final Logger LOG = LoggerFactory.getLogger(FactLoader.class);

    private final DataSource clickHouse;
    private final FactTable<AccessEvent> accessEvents;
    private final FactTable<ConnectorHealth> connectorHealth;
    private final Retry retry;
    private final AtomicLong rowsLoaded = new AtomicLong();
    private final AtomicLong batchesLoaded = new AtomicLong();
    /** Last ingest stamp given out: stamps strictly increase, so ingest_ts_ms also names the batch. */
    private final AtomicLong lastIngestTsMs = new AtomicLong();

    private final PipelineMetrics metrics;
    private final RowsSetAside setAside;
    private final DeadLetterFile deadLetterFile;
    private final LoadBudget budget;
    private final LoadState accessEventsState = new LoadState();
    private final LoadState connectorHealthState = new LoadState();

    private record Rejected<T>(Change<T> change, String reason) {
    }

    public FactLoader(DataSource clickHouse, String database, BooleanSupplier stopping, long maxBackoffMs, PipelineMetrics metrics,
            RowsSetAside setAside, DeadLetterFile deadLetterFile, LoadBudget budget) {
        this.budget = budget;
        this.clickHouse = clickHouse;
        this.metrics = metrics;
        this.setAside = setAside;
        this.deadLetterFile = deadLetterFile;
        this.accessEvents = FactTable.accessEvents(database);
        this.connectorHealth = FactTable.connectorHealth(database);
        this.retry = new Retry(LOG, 500, maxBackoffMs, stopping);
    }

    public void loadAccessEvents(Exchange exchange) throws InvalidPayloadException {
        load(exchange, accessEvents, accessEventsState);
    }

    public void loadConnectorHealth(Exchange exchange) throws InvalidPayloadException {
        load(exchange, connectorHealth, connectorHealthState);
    }

    /** State of the inserts into piam.fact_access_events. */
    public LoadState accessEventsState() {
        return accessEventsState;
    }

    /** State of the inserts into piam.fact_connector_health. */
    public LoadState connectorHealthState() {
        return connectorHealthState;
    }

    /** Rows set aside per table (by consume and by load), for the verifier. */
    public RowsSetAside setAside() {
        return setAside;
    }

    public long rowsLoaded() {
        return rowsLoaded.get();
    }

    public long batchesLoaded() {
        return batchesLoaded.get();
    }

    private <T> void load(Exchange exchange, FactTable<T> table, LoadState state) throws InvalidPayloadException {
        LoadBatch batch = exchange.getMessage().getMandatoryBody(LoadBatch.class);
        try {
            load(exchange, table, state, batch);
        } finally {
            budget.release(batch.bytes()); // loaded, set aside or abandoned at stop: the room is free again
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private <T> void load(Exchange exchange, FactTable<T> table, LoadState state, LoadBatch batch) {
        if (batch.size() == 0) {
            return;
        }
        List<Change<T>> toInsert = new ArrayList<>(batch.size());
        List<Change<DeletedKey>> deletesByKey = new ArrayList<>();
        List<Rejected<T>> rejected = new ArrayList<>();
        for (Change<?> any : batch.changes()) {
            if (any.row() instanceof DeletedKey) {
                deletesByKey.add((Change<DeletedKey>) any);
                continue;
            }
            Change<T> c = (Change<T>) any;
            String problem = table.problem(c);
            if (problem == null) {
                toInsert.add(c);
            } else {
                rejected.add(new Rejected<>(c, problem));
            }
        }
        long[] stats = new long[2]; // insert ms, inserts
        List<Change<T>> loaded = insertIsolatingRefusals(exchange, table, state, toInsert, rejected, stats);
        for (Rejected<T> r : rejected) {
            setAside(table, r);
        }
        if (!deletesByKey.isEmpty()) {
            // after the batch's rows: a key inserted and deleted in the same batch is found
            stats[0] += retry.run("delete by key of " + deletesByKey.size() + " rows in " + table.name(), () -> backlog(exchange), () -> {
                stats[1]++;
                return execute(table.deleteByKeySql(deletesByKey, nextIngestTsMs()));
            });
            deletesByKey.forEach(d -> d.delivery().loaded());
        }
        // Only now are the rows safe in ClickHouse (or set aside): settle their deliveries.
        for (Change<T> c : loaded) {
            if (c.delivery() != null) {
                c.delivery().loaded();
            }
        }
        rowsLoaded.addAndGet(loaded.size() + deletesByKey.size());
        batchesLoaded.incrementAndGet();
        if (metrics != null && !loaded.isEmpty()) {
            metrics.batchLoaded(table.name(), loaded.size(), stats[0], loaded.stream().mapToLong(Change::sourceTsMs).toArray());
        }
        if (!deletesByKey.isEmpty()) {
            LOG.info("Loaded {} rows into {} and deleted {} by key in {} ms", loaded.size(), table.name(), deletesByKey.size(),
                    stats[0]);
        } else if (rejected.isEmpty()) {
            LOG.info("Loaded {} rows into {} in {} ms", loaded.size(), table.name(), stats[0]);
        } else {
            LOG.warn("Loaded {} rows into {} in {} ms ({} inserts); set aside {} rows", loaded.size(), table.name(), stats[0],
                    stats[1], rejected.size());
        }
    }

    /**
     * Inserts the rows; when ClickHouse refuses a value, halves the failing part until the refused
     * rows are alone (added to {@code rejected}). Returns the rows that went in.
     */
    private <T> List<Change<T>> insertIsolatingRefusals(Exchange exchange, FactTable<T> table, LoadState state,
            List<Change<T>> rows, List<Rejected<T>> rejected, long[] stats) {
        List<Change<T>> loaded = new ArrayList<>(rows.size());
        Deque<List<Change<T>>> todo = new ArrayDeque<>();
        if (!rows.isEmpty()) {
            todo.push(rows);
        }
        while (!todo.isEmpty()) {
            List<Change<T>> part = todo.pop();
            String what = "insert of " + part.size() + " rows into " + table.name();
            try {
                stats[0] += retry.run(what, () -> backlog(exchange),
                        e -> !InsertErrors.rejectsData(e) && !InsertErrors.tooManyPartitions(e), () -> {
                    stats[1]++;
                    try {
                        long took = insert(table, part);
                        state.succeeded();
                        return took;
                    } catch (Exception e) {
                        if (!InsertErrors.rejectsData(e) && !InsertErrors.tooManyPartitions(e)) {
                            state.failed(e);
                        }
                        throw e;
                    }
                });
                loaded.addAll(part);
            } catch (Retry.NotRetried refused) {
                if (InsertErrors.tooManyPartitions(refused.getCause())) {
                    // one insert per partition (month): each writes one partition
                    Map<Integer, List<Change<T>>> byPartition = new java.util.TreeMap<>();
                    part.forEach(c -> byPartition.computeIfAbsent(table.partition().apply(c.row()), k -> new ArrayList<>()).add(c));
                    if (byPartition.size() == 1) {
                        throw new IllegalStateException("ClickHouse says one partition is too many: " + refused.getMessage(), refused);
                    }
                    LOG.info("{}: {} partitions in one insert are too many for ClickHouse; inserting them one by one", what,
                            byPartition.size());
                    byPartition.values().forEach(todo::push);
                } else if (part.size() == 1) {
                    rejected.add(new Rejected<>(part.get(0), InsertErrors.reason(refused.getCause())));
                } else {
                    int half = part.size() / 2;
                    todo.push(part.subList(half, part.size()));
                    todo.push(part.subList(0, half));
                }
            }
        }
        return loaded;
    }

    /** Sets one row aside (dead-letter topic or file), retrying until it is kept somewhere; records it for the verifier. */
    private <T> void setAside(FactTable<T> table, Rejected<T> r) {
        Change<T> c = r.change();
        String reason = table.key().apply(c.row()) + ": " + r.reason();
        String where;
        if (c.delivery() != null) {
            retry.run("setting aside " + c.delivery().where() + " (" + reason + ")",
                    () -> "its partition is not committed past it", () -> {
                        c.delivery().setAside(reason);
                        return null;
                    });
            where = c.delivery().where() + " -> dead-letter topic";
        } else {
            File file = retry.run("writing a rejected row of " + table.name() + " to the dead-letter file",
                    () -> "the batch waits", () -> deadLetterFile.write(table.name(), table.columns(), table.values().apply(c), reason));
            where = file.getPath();
        }
        setAside.record(table.name(), reason, where);
        LOG.warn("Set aside a row of {}: {} ({})", table.name(), reason, where);
    }

    /** Inserts the rows; returns how long ClickHouse took. */
    private <T> long insert(FactTable<T> table, List<Change<T>> rows) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = clickHouse.getConnection();
             PreparedStatement ps = c.prepareStatement(table.insertSql(nextIngestTsMs()))) {
            for (Change<T> change : rows) {
                Object[] values = table.values().apply(change);
                for (int i = 0; i < values.length; i++) {
                    bind(ps, i + 1, values[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** Runs one statement (a delete by key); returns how long ClickHouse took. */
    private long execute(String sql) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = clickHouse.getConnection(); java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long nextIngestTsMs() {
        long now = System.currentTimeMillis();
        return lastIngestTsMs.updateAndGet(last -> Math.max(now, last + 1));
    }

    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else if (v instanceof String s) {
            ps.setString(i, s);
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Integer n) {
            ps.setInt(i, n);
        } else if (v instanceof Float f) {
            ps.setFloat(i, f);
        } else {
            throw new IllegalArgumentException("no ClickHouse binding for " + v.getClass().getName());
        }
    }

    /** What is waiting behind a failing insert, for the retry log line. */
    private static String backlog(Exchange exchange) {
        if (exchange.getFromEndpoint() instanceof SedaEndpoint seda) {
            return String.format("batch kept; %d/%d rows waiting in %s (producers wait when it is full)",
                    seda.getCurrentQueueSize(), seda.getSize(), seda.getEndpointBaseUri());
        }
        return "batch kept";
    }
}
