package com.piam.cdc.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;

/** Offsets on the local stack's broker, read the way an operator would (admin client). */
final class KafkaOffsets {

    static final String GROUP = "cdc-consumer-group";
    static final TopicPartition ACCESS_EVENTS = new TopicPartition("cg.cloudgate.cg_access_event", 0);

    private KafkaOffsets() {
    }

    /** The partition's end offset: the next record's offset. */
    static long end(Admin admin, TopicPartition p) throws Exception {
        return admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get().offset();
    }

    /** The group's committed offset on the partition, -1 when it has none. */
    static long committed(Admin admin, String group, TopicPartition p) throws Exception {
        OffsetAndMetadata c = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(p);
        return c == null ? -1 : c.offset();
    }
}
