package com.piam.cdc.it;

import com.piam.cdc.consume.OffsetCommitListener;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A graceful stop while rows wait in the loader's batch: the load route flushes them on stop and
 * their Kafka offsets are committed (by the consumer's last poll, or by the stop-time admin commit
 * when the flush ends after the consumer: OffsetCommitListenerIT), so the next start replays nothing.
 */
class GracefulStopIT extends PipelineITSupport {

    @Override
    protected Properties settings() {
        // FLUSH_INTERVAL 120 s and batches of 5,000: the test's rows stay in the aggregator until the stop, also
        // behind what the runtime read before the test (a batch of 200 could otherwise fill up with some of them)
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "120", "MAX_BATCH_EVENTS", "5000",
                "MAX_BUFFERED_ROWS", "10000");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    private static long end(Admin admin) throws Exception {
        return KafkaOffsets.end(admin, KafkaOffsets.ACCESS_EVENTS);
    }

    private static long committed(Admin admin) throws Exception {
        return KafkaOffsets.committed(admin, KafkaOffsets.GROUP, KafkaOffsets.ACCESS_EVENTS);
    }

    @Test
    void rowsFlushedOnStopHaveTheirOffsetsCommitted() throws Exception {
        String prefix = "it-stop-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        OffsetCommitListener commits = bean("offsetCommits-consume-access-events", OffsetCommitListener.class);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()));
             Connection db = Cloudgate.connect()) {
            // earlier leftovers first: wait until capture has caught up with the binlog (the topic's
            // end stops moving) and the consumer with the topic
            long[] lastEnd = {-1};
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(3)).until(() -> {
                long now = end(admin);
                boolean settled = now == lastEnd[0] && commits.lag() == 0;
                lastEnd[0] = now;
                return settled;
            });
            long before = end(admin);
            Cloudgate.insertAccessEvents(db, prefix, 0, 50);
            await().atMost(Duration.ofSeconds(20)).until(() -> end(admin) >= before + 50);
            long end = end(admin);
            await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(2)).until(() -> commits.lag() == 0);
            assertThat(clickHouse("SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'"))
                    .as("still in the loader's batch").isZero();
            assertThat(committed(admin)).as("not committed before the insert").isLessThan(end);

            context.stop();

            assertThat(committed(admin)).as("offset committed after the stop flushed the batch").isEqualTo(end);
        }
        assertThat(ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'"))
                .as("the stop flushed the batch into ClickHouse").isEqualTo(50);
    }
}
