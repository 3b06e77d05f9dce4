package com.piam.cdc.load;

import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Expression;
import org.apache.camel.component.seda.SedaEndpoint;

/**
 * The load routes' batch size (the aggregator's {@code completionSizeExpression}, evaluated for every row): a batch
 * completes at {@code rows} (MAX_BATCH_EVENTS / MAX_BATCH_HEALTH), or, when more rows already wait in the route's
 * buffer, takes those too, up to {@code catchUpRows} (CATCH_UP_BATCH_ROWS). Live rows go in as before (200 rows or
 * the flush interval); a backlog (a snapshot, a drain after an outage, the generator flat out) goes in fewer,
 * larger inserts: ClickHouse makes one part per insert, and 200-row parts cost it most of its CPU (docs/benchmark.md).
 * Nothing waits for the larger batch: it only takes rows that are already there.
 */
public final class CatchUpBatchSize implements Expression {

    private final int rows;
    private final int catchUpRows;

    public CatchUpBatchSize(int rows, int catchUpRows) {
        this.rows = rows;
        this.catchUpRows = Math.max(rows, catchUpRows);
    }

    @Override
    public <T> T evaluate(Exchange exchange, Class<T> type) {
        int aggregated = exchange.getProperty(ExchangePropertyKey.AGGREGATED_SIZE, 1, Integer.class);
        int waiting = exchange.getFromEndpoint() instanceof SedaEndpoint seda ? seda.getCurrentQueueSize() : 0;
        return type.cast(size(aggregated, waiting));
    }

    /** The size at which a batch of {@code aggregated} rows completes while {@code waiting} more are in the buffer. */
    Integer size(int aggregated, int waiting) {
        long wanted = (long) aggregated + waiting;
        return (int) Math.max(rows, Math.min(catchUpRows, wanted));
    }
}
