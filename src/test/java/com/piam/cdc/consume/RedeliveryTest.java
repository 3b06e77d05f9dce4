package com.piam.cdc.consume;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.CamelExchangePayload;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.KafkaRecordPayload;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record read again while its first copy is still held (camel-kafka's resume seeks back to the last
 * commit) is marked to be dropped, and its handle settles nothing: the first copy's does.
 */
class RedeliveryTest {

    private static final TopicPartition P = new TopicPartition("t", 0);

    private static Exchange read(DefaultCamelContext context, OffsetCommitListener commits, long offset, List<KafkaManualCommit> handles) {
        Exchange e = new DefaultExchange(context);
        handles.add(commits.newInstance(new CamelExchangePayload(e, null, "it", null), new KafkaRecordPayload(P, offset, 1000), null));
        return e;
    }

    private static boolean dropped(Exchange e) {
        return e.getProperty(OffsetCommitListener.REDELIVERED, false, Boolean.class);
    }

    @Test
    void aCopyReadAgainIsDroppedAndTheFirstCopySettlesIt() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            OffsetCommitListener commits = new OffsetCommitListener();
            List<KafkaManualCommit> first = new ArrayList<>();
            for (long o = 0; o < 5; o++) {
                assertThat(dropped(read(context, commits, o, first))).as("first read of %d", o).isFalse();
            }
            first.get(0).commit();
            first.get(1).commit(); // 0 and 1 loaded; 2..4 still in the buffer

            List<KafkaManualCommit> again = new ArrayList<>();
            for (long o = 0; o < 5; o++) {
                assertThat(dropped(read(context, commits, o, again))).as("read again: %d", o).isTrue();
            }
            again.forEach(KafkaManualCommit::commit); // a dropped copy settles nothing
            assertThat(commits.heldBack(0)).singleElement().asString().contains("held at offset 2").contains("3 records");

            assertThat(dropped(read(context, commits, 5, first))).as("a new record").isFalse();
            first.subList(2, 6).forEach(KafkaManualCommit::commit);
            assertThat(commits.heldBack(0)).isEmpty();
        }
    }
}
