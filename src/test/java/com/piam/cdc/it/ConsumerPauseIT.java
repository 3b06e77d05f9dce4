package com.piam.cdc.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ClickHouse away while two runtimes consume 6-partition topics with small buffers: when a runtime's buffer is
 * full its consume route pauses its partitions and goes on polling (it does not block its thread), so a runtime
 * killed with kill -9 meanwhile hands its partitions to the other within 30 s although neither can load (with
 * the thread blocked, Kafka's rebalance waited for it up to max.poll.interval.ms, 5 min by default). Once
 * ClickHouse is back the survivor resumes, and every row written in the run is in ClickHouse once (key sets,
 * converged and raw).
 */
class ConsumerPauseIT {

    private static final Pattern HOLDS = Pattern.compile("capture lease: (r\\d) holds it");
    private final String run = "itq" + UUID.randomUUID().toString().substring(0, 6);
    private final Map<String, RuntimeProcess> runtimes = new LinkedHashMap<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (RuntimeProcess r : runtimes.values()) {
            r.kill();
        }
        PipelineITSupport.stack("up", "clickhouse");
    }

    private RuntimeProcess start(String name) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "CAPTURE_LEASE", "true", "RUNTIME_NAME", name,
                "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run, "KAFKA_TOPIC_PARTITIONS", "6", "CAPTURE_SNAPSHOT_MODE", "no_data",
                "EVENT_RATE_PER_SECOND", "1", "FLUSH_INTERVAL_SECONDS", "1", "MAX_BATCH_EVENTS", "50"));
        env.put("MAX_BUFFERED_ROWS", "100");
        env.put("CLICKHOUSE_MAX_BACKOFF_SECONDS", "2");
        RuntimeProcess r = RuntimeProcess.start(env);
        System.out.printf("%s: pid %d, log %s%n", name, r.process.pid(), r.log);
        runtimes.put(name, r);
        return r;
    }

    private static String capturer(RuntimeProcess... all) throws Exception {
        String holder = null;
        for (RuntimeProcess r : all) {
            Matcher m = HOLDS.matcher(r.log());
            while (m.find()) {
                holder = m.group(1);
            }
        }
        return holder;
    }

    private static Set<String> keys(String sql) throws Exception {
        return new TreeSet<>(ClickHouseQuery.column(sql));
    }

    @Test
    void aFullBufferPausesTheConsumerSoAKilledRuntimesPartitionsMoveWhileClickHouseIsAway() throws Exception {
        RuntimeProcess r1 = start("r1");
        RuntimeProcess r2 = start("r2");
        String prefix = run + "-";
        String mine = " FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'";
        int written = 0;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()));
             Connection db = Cloudgate.connect()) {
            await().atMost(Duration.ofSeconds(90)).until(() -> capturer(r1, r2) != null && KafkaOffsets.members(admin, run)
                    .keySet().stream().filter(c -> c.endsWith("/consume-access-events")).count() == 2);
            // capture streams from where it first connected (CAPTURE_SNAPSHOT_MODE=no_data): a probe row until one arrives
            int[] probes = {0};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                Cloudgate.insertAccessEvents(db, run + "probe-", probes[0]++, 1);
                return ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + run + "probe-%'") > 0;
            });
            Cloudgate.insertAccessEvents(db, prefix, written, 100);
            written += 100;
            await().atMost(Duration.ofSeconds(60)).until(() -> ClickHouseQuery.count("SELECT count()" + mine) >= 100);

            // ClickHouse away; far more rows than the two buffers (100 rows each, plus a batch in hand) can hold
            PipelineITSupport.stack("down", "clickhouse");
            for (int i = 0; i < 30; i++) {
                Cloudgate.insertAccessEvents(db, prefix, written, 100);
                written += 100;
            }
            String full = "the load buffer is full";
            await().atMost(Duration.ofSeconds(60)).until(() -> r1.log().contains(full) && r2.log().contains(full));

            // kill -9 of the runtime that does not capture: its partitions move to the one still paused
            String survivor = capturer(r1, r2);
            String killed = survivor.equals("r1") ? "r2" : "r1";
            long killedAt = System.currentTimeMillis();
            runtimes.remove(killed).kill();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Map<String, List<TopicPartition>> m = KafkaOffsets.members(admin, run);
                return m.keySet().stream().noneMatch(c -> c.startsWith(killed + "/"))
                        && m.getOrDefault(survivor + "/consume-access-events", List.of()).size() == 6;
            });
            System.out.printf("partitions of %s moved to %s in %d ms while ClickHouse was away%n", killed, survivor,
                    System.currentTimeMillis() - killedAt);
            Cloudgate.insertAccessEvents(db, prefix, written, 100);
            written += 100;

            PipelineITSupport.stack("up", "clickhouse");
            Set<String> source = new TreeSet<>();
            for (int i = 0; i < written; i++) {
                source.add(prefix + i);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> keys("SELECT event_id FROM piam.fact_access_events FINAL WHERE event_id LIKE '" + prefix
                            + "%' AND is_deleted = 0").equals(source));
            assertThat(ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events FINAL WHERE event_id LIKE '" + prefix
                    + "%' AND is_deleted = 0")).as("each row once under FINAL").isEqualTo(source.size());
            assertThat(new HashSet<>(keys("SELECT DISTINCT event_id" + mine))).as("raw rows hold no other key").isEqualTo(source);
            assertThat(runtimes.get(survivor).log()).as("the survivor resumed once ClickHouse was back").contains("resumed after");
        }
    }
}
