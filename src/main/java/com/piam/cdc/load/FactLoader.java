package com.piam.cdc.load;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.component.seda.SedaEndpoint;
import com.piam.cdc.PipelineMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Writes one completed batch into a ClickHouse fact table as ONE prepared JDBC batch insert and
 * logs one line for it. While ClickHouse fails, the batch is retried with backoff and kept; the
 * route's bounded buffer then fills and its producers wait, so memory stays bounded.
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
    private final LoadState accessEventsState = new LoadState();
    private final LoadState connectorHealthState = new LoadState();

    public FactLoader(DataSource clickHouse, String database, BooleanSupplier stopping, long maxBackoffMs, PipelineMetrics metrics) {
        this.clickHouse = clickHouse;
        this.metrics = metrics;
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

    public long rowsLoaded() {
        return rowsLoaded.get();
    }

    public long batchesLoaded() {
        return batchesLoaded.get();
    }

    private <T> void load(Exchange exchange, FactTable<T> table, LoadState state) throws InvalidPayloadException {
        LoadBatch batch = exchange.getMessage().getMandatoryBody(LoadBatch.class);
        String what = "insert of " + batch.size() + " rows into " + table.name();
        long ms = batch.size() == 0 ? 0 : retry.run(what, () -> backlog(exchange), () -> {
            try {
                long took = insert(table, batch);
                state.succeeded();
                return took;
            } catch (Exception e) {
                state.failed(e);
                throw e;
            }
        });
        // Only now is the batch safe in ClickHouse: acknowledge its Kafka offsets.
        String committed = batch.acknowledge();
        rowsLoaded.addAndGet(batch.size());
        batchesLoaded.incrementAndGet();
        if (metrics != null && batch.size() > 0) {
            metrics.batchLoaded(table.name(), batch.size(), ms, batch.changes().stream().mapToLong(Change::sourceTsMs).toArray());
        }
        if (committed.isEmpty()) {
            LOG.info("Loaded {} rows into {} in {} ms", batch.size(), table.name(), ms);
        } else {
            LOG.info("Loaded {} rows into {} in {} ms; committed {}", batch.size(), table.name(), ms, committed);
        }
    }

    /** Inserts the batch; returns how long ClickHouse took. */
    @SuppressWarnings("unchecked")
    private <T> long insert(FactTable<T> table, LoadBatch batch) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = clickHouse.getConnection();
             PreparedStatement ps = c.prepareStatement(table.insertSql(nextIngestTsMs()))) {
            for (Change<?> change : batch.changes()) {
                Object[] values = table.values().apply((Change<T>) change);
                for (int i = 0; i < values.length; i++) {
                    bind(ps, i + 1, values[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
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
