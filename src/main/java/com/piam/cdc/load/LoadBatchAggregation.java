package com.piam.cdc.load;

import com.piam.cdc.domain.Change;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects one row per incoming exchange into a {@link LoadBatch}. Rows handed over as plain domain
 * objects (direct mode) become creates stamped with their hand-over time; CDC consumers send
 * {@link Change}s that carry the source's operation and version.
 */
public class LoadBatchAggregation implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange rowExchange) {
        Object body = rowExchange.getMessage().getBody();
        Change<?> change = body instanceof Change<?> c ? c : Change.created(body, System.currentTimeMillis());
        if (batchExchange == null) {
            LoadBatch batch = new LoadBatch();
            batch.add(change);
            rowExchange.getMessage().setBody(batch);
            return rowExchange;
        }
        batchExchange.getMessage().getBody(LoadBatch.class).add(change);
        return batchExchange;
    }
}
