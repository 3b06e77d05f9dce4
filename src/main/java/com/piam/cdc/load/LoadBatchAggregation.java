package com.piam.cdc.load;

import com.piam.cdc.domain.Change;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects one row per incoming exchange into a {@link LoadBatch}. Rows handed over as plain domain
 * objects (direct mode) become creates stamped with their hand-over time; CDC consumers send
 * {@link Change}s that carry the source's operation, version and delivery (settled by the loader).
 */
public class LoadBatchAggregation implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange rowExchange) {
        Exchange target = batchExchange == null ? rowExchange : batchExchange;
        LoadBatch batch = batchExchange == null ? new LoadBatch() : batchExchange.getMessage().getBody(LoadBatch.class);
        Object body = rowExchange.getMessage().getBody();
        batch.add(body instanceof Change<?> c ? c : Change.created(body, System.currentTimeMillis()));
        if (batchExchange == null) {
            rowExchange.getMessage().setBody(batch);
        }
        return target;
    }
}
