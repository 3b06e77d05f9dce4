package com.piam.cdc.consume;

import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.CamelExchangePayload;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.KafkaRecordPayload;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record that finds no room in the load buffer is held back: the consumer seeks back to it and pauses its
 * partitions, the rest of the poll after it is dropped, nothing from it on is committed; once there is room the
 * partitions resume and the records are taken when read again, once each. Never resumed while Camel itself has
 * the route suspended.
 */
class HoldBackTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final MockConsumer<Object, Object> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    private final OffsetCommitListener commits = new OffsetCommitListener("test");
    private final AtomicBoolean room = new AtomicBoolean(false);
    private final Map<Long, KafkaManualCommit> handles = new HashMap<>();

    HoldBackTest() {
        consumer.assign(List.of(P0, P1));
        consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
        consumer.seek(P0, 0);
        consumer.seek(P1, 0);
        commits.setConsumer(consumer);
        commits.resumeWhen(room::get);
    }

    /** camel-kafka asks for a commit handle per record before the route sees it; true if the route takes it. */
    private boolean read(TopicPartition p, long offset) {
        Exchange e = new DefaultExchange(context);
        KafkaManualCommit handle = commits.newInstance(new CamelExchangePayload(e, null, "it", null),
                new KafkaRecordPayload(p, offset, 1000), null);
        boolean taken = !e.getProperty(OffsetCommitListener.HELD_BACK, false, Boolean.class)
                && !e.getProperty(OffsetCommitListener.REDELIVERED, false, Boolean.class);
        if (taken && p.equals(P0)) {
            handles.put(offset, handle);
        }
        return taken;
    }

    @Test
    void aRecordWithoutRoomIsReadAgainAfterThePauseAndTakenOnce() {
        for (long o = 0; o < 5; o++) {
            assertThat(read(P0, o)).as("first read of %d", o).isTrue();
        }
        commits.holdBack(P0, 4); // 0..3 went to the buffer, 4 found no room
        assertThat(consumer.paused()).as("every assigned partition pauses").isEqualTo(Set.of(P0, P1));
        assertThat(consumer.position(P0)).as("the next read of P0 starts at the held record").isEqualTo(4);
        assertThat(commits.pausedForRoom()).isTrue();
        assertThat(read(P0, 5)).as("the rest of the poll after the held record").isFalse();
        assertThat(read(P0, 6)).isFalse();

        handles.get(0L).commit();
        handles.get(1L).commit();
        handles.get(2L).commit();
        handles.get(3L).commit();
        commits.afterConsume(null);
        assertThat(consumer.paused()).as("no room yet").isEqualTo(Set.of(P0, P1));
        assertThat(consumer.committed(Set.of(P0)).get(P0).offset()).as("committed up to the held record, not past it")
                .isEqualTo(4);

        room.set(true);
        commits.afterConsume(null);
        assertThat(consumer.paused()).as("room again: resumed").isEmpty();
        assertThat(commits.pausedForRoom()).isFalse();
        assertThat(read(P0, 3)).as("a record taken before, read again").isFalse();
        assertThat(read(P0, 4)).as("the held record, read again").isTrue();
        assertThat(read(P0, 5)).isTrue();
        assertThat(read(P0, 4)).as("and only once").isFalse();
    }

    @Test
    void whileCamelHasTheRouteSuspendedThePartitionsStayPaused() throws Exception {
        ServiceSupport camelConsumer = new ServiceSupport() {
        };
        camelConsumer.start();
        camelConsumer.suspend();
        setCamelConsumer(camelConsumer);
        assertThat(read(P1, 0)).isTrue();
        commits.holdBack(P1, 0);
        room.set(true);
        commits.afterConsume(null);
        assertThat(consumer.paused()).as("Camel resumes a suspended route itself").isEqualTo(Set.of(P0, P1));

        consumer.resume(consumer.paused()); // what camel-kafka's resume does (after seeking to the last commit)
        commits.afterConsume(null);
        assertThat(commits.pausedForRoom()).isFalse();
        assertThat(read(P1, 0)).as("the held record is taken when read again").isTrue();
    }

    private void setCamelConsumer(Object camel) throws Exception {
        var field = OffsetCommitListener.class.getDeclaredField("pause");
        field.setAccessible(true);
        ((ConsumerPause) field.get(commits)).camelConsumer(camel);
    }
}
