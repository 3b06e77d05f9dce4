package com.piam.cdc.load;

import com.piam.cdc.domain.Change;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Collects one row per incoming exchange into a {@link LoadBatch}. Rows handed over as plain domain
 * objects (direct mode) become creates stamped with their hand-over time; CDC consumers send
 * {@link Change}s that carry the source's operation and version, and their Kafka position, whose
 * commit waits until the batch is in ClickHouse.
 */
public class LoadBatchAggregation implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batchExchange, Exchange rowExchange) {
        Exchange target = batchExchange == null ? rowExchange : batchExchange;
        LoadBatch batch = batchExchange == null ? new LoadBatch() : batchExchange.getMessage().getBody(LoadBatch.class);
        Message row = rowExchange.getMessage();
        Object body = row.getBody();
        if (body != LoadBatch.OFFSET_ONLY) {
            batch.add(body instanceof Change<?> c ? c : Change.created(body, System.currentTimeMillis()));
        }
        KafkaManualCommit commit = row.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
        if (commit != null) {
            batch.track(row.getHeader(KafkaConstants.TOPIC, String.class) + "-" + row.getHeader(KafkaConstants.PARTITION, Integer.class),
                    row.getHeader(KafkaConstants.OFFSET, Long.class), commit::commit);
        }
        if (batchExchange == null) {
            rowExchange.getMessage().setBody(batch);
        }
        return target;
    }
}
