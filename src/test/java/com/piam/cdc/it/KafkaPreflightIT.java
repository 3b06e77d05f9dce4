package com.piam.cdc.it;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.consume.KafkaPreflight;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several runtimes starting at the same moment (RUNTIMES=3 make demo) each find the topics missing and create
 * them: every one passes the Kafka preflight (one of three used to stop with TopicExistsException), and the
 * topics end up as asked; started again with more partitions, all at once, they grow them, and the broker reports the new
 * figure as soon as the preflight has passed.
 */
class KafkaPreflightIT {

    private static PipelineSettings.Cdc settings(String prefix, int partitions) throws Exception {
        Properties p = new Properties();
        try (InputStream in = KafkaPreflightIT.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        Map<String, String> m = new HashMap<>();
        // the environment first, as the runtime reads it: make test's stack (ops/local/test-env.sh) is not the demo's
        p.stringPropertyNames().forEach(k -> m.put(k, System.getenv().getOrDefault(k, p.getProperty(k))));
        m.putAll(Map.of("TOPIC_PREFIX", prefix, "KAFKA_GROUP_ID", prefix, "CAPTURE_LEASE", "true",
                "KAFKA_TOPIC_PARTITIONS", String.valueOf(partitions)));
        return PipelineSettings.from(m::get).cdc();
    }

    /** Runs the preflight on {@code n} threads released together; returns what each threw (null: passed). */
    private static List<Throwable> atOnce(int n, PipelineSettings.Cdc cdc) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Throwable>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            results.add(pool.submit(() -> {
                go.await();
                try {
                    KafkaPreflight.check(cdc);
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            }));
        }
        go.countDown();
        List<Throwable> out = new ArrayList<>();
        for (Future<Throwable> f : results) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return out;
    }

    @Test
    void runtimesStartingTogetherAllPassAndTheTopicsAreAsAsked() throws Exception {
        String prefix = "itk" + UUID.randomUUID().toString().substring(0, 6);
        PipelineSettings.Cdc three = settings(prefix, 3);
        assertThat(atOnce(4, three)).as("four runtimes creating the topics at once").containsOnlyNulls();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, three.kafkaBootstrap()))) {
            assertThat(partitions(admin, three.accessEventTopic())).isEqualTo(3);
            assertThat(partitions(admin, three.offsetsTopic())).isEqualTo(1);

            // each round grows them one more; the broker must report the new figure once the preflight has passed
            // (a consumer joining on an older figure would leave the new partitions unread for minutes)
            for (int n = 4; n <= 9; n++) {
                PipelineSettings.Cdc more = settings(prefix, n);
                assertThat(atOnce(4, more)).as("four runtimes growing the topics to %d at once", n).containsOnlyNulls();
                assertThat(partitions(admin, more.accessEventTopic())).as("partitions after growing to %d", n).isEqualTo(n);
                assertThat(partitions(admin, more.connectorHealthTopic())).as("partitions after growing to %d", n).isEqualTo(n);
            }
        }
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
        return d.partitions().size();
    }
}
