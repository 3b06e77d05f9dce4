package com.piam.cdc.it;

import com.piam.cdc.consume.LoaderCommits;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory.KafkaRecordPayload;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Offsets the loader acknowledges after the consumers have stopped are committed through the admin
 * client on stop (real broker), and a commit never moves a group's offset backwards.
 */
class LoaderCommitsIT {

    private static final TopicPartition PARTITION = KafkaOffsets.ACCESS_EVENTS;

    private static void acknowledge(LoaderCommits commits, long offset) {
        commits.newInstance(null, new KafkaRecordPayload(PARTITION, offset, 5000), null).commit();
    }

    private static long committed(Admin admin, String group) throws Exception {
        return KafkaOffsets.committed(admin, group, PARTITION);
    }

    @Test
    void remainingOffsetsAreCommittedAndNeverMovedBack() throws Exception {
        String group = "it-loader-commits-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092"))) {
            LoaderCommits commits = new LoaderCommits();
            assertThat(commits.commitRemaining(admin, group, 5000)).as("nothing pending").isEmpty();

            acknowledge(commits, 3);
            acknowledge(commits, 9); // batches acknowledged out of order: the highest counts
            acknowledge(commits, 5);
            assertThat(commits.commitRemaining(admin, group, 5000)).contains(PARTITION.toString());
            assertThat(committed(admin, group)).as("next offset after the highest acknowledged").isEqualTo(10);
            assertThat(commits.commitRemaining(admin, group, 5000)).as("pending cleared").isEmpty();

            acknowledge(commits, 4); // an older acknowledgement arriving late
            commits.commitRemaining(admin, group, 5000);
            assertThat(committed(admin, group)).as("never moved backwards").isEqualTo(10);
        }
    }
}
