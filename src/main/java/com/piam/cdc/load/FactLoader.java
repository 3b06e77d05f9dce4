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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The load routes' bean: writes one completed batch into a ClickHouse fact table and logs one line
 * for it. Every row ends loaded or set aside, never dropped:
 * <ul>
 *   <li>a value the column cannot hold is found before the insert ({@link FactTable#problem});</li>
 *   <li>the rest goes in as ONE prepared batch insert, retried while ClickHouse fails, with the rows
 *   it refuses isolated ({@link IsolatingInsert}); meanwhile the route's bounded buffer fills and
 *   its producers wait, so memory stays bounded;</li>
 *   <li>rows that cannot be loaded are set aside with the reason ({@link DeadLetters});</li>
 *   <li>deletes known only by their key are applied after the batch's rows.</li>
 * </ul>
 * Then the loaded rows' deliveries are settled, which lets their Kafka offsets be committed, and
 * the batch's room in the memory budget is given back.
 */
public class FactLoader {

    private static final Logger LOG = LoggerFactory.getLogger(FactLoader.class);

    private final FactTable<AccessEvent> accessEvents;
    private final FactTable<ConnectorHealth> connectorHealth;
    private final Retry retry;
    private final ClickHouseWriter writer;
    private final IsolatingInsert inserts;
    private final DeadLetters deadLetters;
    private final RowsSetAside setAside;
    private final LoadBudget budget;
    private final PipelineMetrics metrics;
    private final AtomicLong rowsLoaded = new AtomicLong();
    private final AtomicLong batchesLoaded = new AtomicLong();
    private final LoadState accessEventsState = new LoadState();
    private final LoadState connectorHealthState = new LoadState();

    public FactLoader(DataSource clickHouse, String database, BooleanSupplier stopping, long maxBackoffMs, PipelineMetrics metrics,
            RowsSetAside setAside, DeadLetterFile deadLetterFile, LoadBudget budget) {
        this.accessEvents = FactTable.accessEvents(database);
        this.connectorHealth = FactTable.connectorHealth(database);
        this.retry = new Retry(LOG, 500, maxBackoffMs, stopping);
        this.writer = new ClickHouseWriter(clickHouse);
        this.inserts = new IsolatingInsert(writer, retry);
        this.deadLetters = new DeadLetters(retry, deadLetterFile, setAside);
        this.setAside = setAside;
        this.budget = budget;
        this.metrics = metrics;
        if (metrics != null) {
            for (ClickHouseWriter.Format f : ClickHouseWriter.Format.values()) {
                metrics.counter("piam.load.rows.sent", "Rows sent to ClickHouse by format (RowBinary; text when a table's types"
                        + " differ from the loader's or a value is left to ClickHouse to judge), retries and refused rows included",
                        "format", f.label(), writer, w -> w.rowsSent(f));
            }
        }
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
            if (batch.size() > 0) {
                load(table, state, batch, () -> backlog(exchange));
            }
        } catch (RuntimeException | Error e) {
            abandon(table, batch, e);
            throw e;
        } finally {
            budget.release(batch.bytes()); // loaded, set aside or abandoned at stop: the room is free again
        }
    }

    @SuppressWarnings("unchecked")
    private <T> void load(FactTable<T> table, LoadState state, LoadBatch batch, Supplier<String> backlog) {
        List<Change<T>> toInsert = new ArrayList<>(batch.size());
        List<Change<DeletedKey>> deletesByKey = new ArrayList<>();
        List<IsolatingInsert.Refused<T>> refused = new ArrayList<>();
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
                refused.add(new IsolatingInsert.Refused<>(c, problem));
            }
        }
        IsolatingInsert.Outcome<T> outcome = inserts.insert(table, toInsert, state, backlog);
        refused.addAll(outcome.refused());
        for (IsolatingInsert.Refused<T> r : refused) {
            deadLetters.setAside(table, r.change(), r.reason());
        }
        long ms = outcome.insertMs();
        if (!deletesByKey.isEmpty()) {
            // after the batch's rows: a key inserted and deleted in the same batch is found
            ms += retry.run("delete by key of " + deletesByKey.size() + " rows in " + table.name(), backlog,
                    () -> writer.deleteByKey(table, deletesByKey));
            deletesByKey.forEach(d -> d.delivery().loaded());
        }
        // only now are the rows in ClickHouse (or set aside): settle their deliveries
        List<Change<T>> loaded = outcome.loaded();
        for (Change<T> c : loaded) {
            if (c.delivery() != null) {
                c.delivery().loaded();
            }
        }
        rowsLoaded.addAndGet(loaded.size() + deletesByKey.size());
        batchesLoaded.incrementAndGet();
        if (metrics != null && !loaded.isEmpty()) {
            metrics.batchLoaded(table.name(), loaded.size(), ms, loaded.stream().mapToLong(Change::sourceTsMs).toArray());
        }
        if (!refused.isEmpty()) {
            LOG.warn("Loaded {} rows into {} in {} ms ({} inserts); set aside {} rows", loaded.size(), table.name(), ms,
                    outcome.inserts(), refused.size());
        } else if (!deletesByKey.isEmpty()) {
            LOG.info("Loaded {} rows into {} and deleted {} by key in {} ms", loaded.size(), table.name(), deletesByKey.size(), ms);
        } else {
            LOG.info("Loaded {} rows into {} in {} ms", loaded.size(), table.name(), ms);
        }
    }

    /**
     * A batch that failed otherwise than by ClickHouse refusing rows (those are retried or set aside): an Error
     * such as running out of memory, or the stop abandoning a retry. Its rows not settled yet are read again
     * from their source (on the CDC path the consumer seeks back to them); without that their offsets would
     * hold the partition's commits until a restart.
     */
    private static void abandon(FactTable<?> table, LoadBatch batch, Throwable e) {
        long withSource = 0;
        for (Change<?> c : batch.changes()) {
            if (c.delivery() != null) {
                c.delivery().abandoned();
                withSource++;
            }
        }
        if (!(e instanceof Retry.Abandoned)) { // the stop's own abandoning is logged where it happens
            LOG.error("A batch of {} rows for {} failed ({}): {}", batch.size(), table.name(), Retry.rootMessage(e),
                    withSource > 0 ? "its rows not loaded yet are read again from Kafka" : "its rows are not loaded");
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
