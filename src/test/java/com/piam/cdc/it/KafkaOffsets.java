package com.piam.cdc.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Offsets on the local stack's broker, read the way an operator would (admin client). Topic-wide figures sum
 * every partition: the stack's topics may have been grown (KAFKA_TOPIC_PARTITIONS=6 RUNTIMES=3 make demo).
 */
final class KafkaOffsets {

    static final String GROUP = "cdc-consumer-group";
    static final String ACCESS_EVENTS = "cg.cloudgate.cg_access_event";

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

    /** The end offsets of every partition of {@code topic}, summed: grows by one per record written. */
    static long end(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long sum = 0;
        for (var r : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values()) {
            sum += r.offset();
        }
        return sum;
    }

    /** The group's committed offsets on every partition of {@code topic}, summed (a partition without one counts 0). */
    static long committed(Admin admin, String group, String topic) throws Exception {
        long sum = 0;
        for (var e : admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    /** The group's members by client id ("runtime/route"), each with the partitions assigned to it. */
    static Map<String, List<TopicPartition>> members(Admin admin, String group) throws Exception {
        Map<String, List<TopicPartition>> out = new HashMap<>();
        for (MemberDescription m : admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group).members()) {
            out.computeIfAbsent(m.clientId(), c -> new ArrayList<>()).addAll(m.assignment().topicPartitions());
        }
        return out;
    }
}
