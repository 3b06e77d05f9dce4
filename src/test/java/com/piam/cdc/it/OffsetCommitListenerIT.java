package com.piam.cdc.it;

import com.piam.cdc.consume.OffsetCommitListener;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.KafkaRecordPayload;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stop-time commit through the admin client (real broker): only the settled prefix of a
 * partition is committed, whatever order records are settled in, and a commit never moves a
 * group's offset backwards.
 */
class OffsetCommitListenerIT {

    private static final TopicPartition PARTITION = KafkaOffsets.ACCESS_EVENTS;

    private static long committed(Admin admin, String group) throws Exception {
        return KafkaOffsets.committed(admin, group, PARTITION);
    }

    @Test
    void onlyTheSettledPrefixIsCommittedAndNeverMovedBack() throws Exception {
        String group = "it-offset-commits-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"))) {
            OffsetCommitListener commits = new OffsetCommitListener();
            assertThat(commits.commitRemaining(admin, group, 5000)).as("nothing received").isEmpty();

            Map<Long, KafkaManualCommit> handles = new HashMap<>();
            for (long offset = 3; offset <= 9; offset++) { // records received in order
                handles.put(offset, commits.newInstance(null, new KafkaRecordPayload(PARTITION, offset, 5000), null));
            }
            handles.get(3L).commit();
            handles.get(4L).commit();
            handles.get(9L).commit(); // a later batch finished first
            handles.get(7L).commit();
            assertThat(commits.commitRemaining(admin, group, 5000)).contains(PARTITION.toString());
            assertThat(committed(admin, group)).as("up to the first unsettled record (5)").isEqualTo(5);
            assertThat(commits.heldBack(0)).singleElement().asString().contains(PARTITION + " held at offset 5");

            handles.get(5L).commit();
            handles.get(6L).commit();
            handles.get(8L).commit();
            commits.commitRemaining(admin, group, 5000);
            assertThat(committed(admin, group)).as("everything settled: after the last received").isEqualTo(10);
            assertThat(commits.heldBack(0)).isEmpty();
            assertThat(commits.commitRemaining(admin, group, 5000)).as("nothing new").isEmpty();

            OffsetCommitListener late = new OffsetCommitListener(); // e.g. a runtime that read from an older commit
            late.newInstance(null, new KafkaRecordPayload(PARTITION, 4, 5000), null).commit();
            late.commitRemaining(admin, group, 5000);
            assertThat(committed(admin, group)).as("never moved backwards").isEqualTo(10);
        }
    }
}
