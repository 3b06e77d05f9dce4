package com.piam.cdc.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.ConsumerGroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three runtimes with CAPTURE_LEASE=true on 6-partition topics, the generator at 200 events/s on whichever
 * captures: Kafka's group picks one capturer; a graceful stop of it hands capture over without a gap (rows
 * written straight into MariaDB during the hand-over arrive); a capturer paused with SIGSTOP until its lease
 * is gone is fenced: once resumed it commits not one record after the new capturer's first, and steps down;
 * kill -9 of the capturer → another captures within 30 s; kill -9 of a consumer-only runtime → its
 * partitions move within 15 s. At the end MariaDB's event_ids of the run are exactly ClickHouse's converged
 * ones, each once, and the raw rows hold no other key.
 */
class CaptureLeaseIT {

    private static final Pattern HOLDS = Pattern.compile("capture lease: (r\\d) holds it");
    private final String run = "itl" + UUID.randomUUID().toString().substring(0, 6);
    /** The runtimes running now, by name. */
    private final Map<String, RuntimeProcess> runtimes = new LinkedHashMap<>();
    /** Every runtime started, also those stopped or killed since (their logs tell who held the lease when). */
    private final List<RuntimeProcess> all = new ArrayList<>();
    private final Map<RuntimeProcess, String> names = new HashMap<>();

    @AfterEach
    void stopAll() throws Exception {
        for (RuntimeProcess r : runtimes.values()) {
            r.kill();
        }
    }

    private RuntimeProcess start(String name) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "CAPTURE_LEASE", "true", "RUNTIME_NAME", name,
                "TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run, "KAFKA_TOPIC_PARTITIONS", "6", "CAPTURE_SNAPSHOT_MODE", "no_data",
                "EVENT_RATE_PER_SECOND", "200", "FLUSH_INTERVAL_SECONDS", "1", "VERIFY_INTERVAL_SECONDS", "3"));
        env.put("LIVE_VIEW_CONTROLS", "true");
        RuntimeProcess r = RuntimeProcess.start(env);
        System.out.printf("%s: pid %d, log %s%n", name, r.process.pid(), r.log);
        runtimes.put(name, r);
        all.add(r);
        names.put(r, name);
        return r;
    }

    /** Runtimes that logged taking the lease, in order (a name once per time it took it). */
    private List<String> holders() throws Exception {
        List<String> out = new ArrayList<>();
        for (RuntimeProcess r : all) {
            for (String line : r.log().split("\n")) {
                Matcher m = HOLDS.matcher(line);
                if (m.find()) {
                    out.add(line.substring(0, 23) + " " + m.group(1));
                }
            }
        }
        out.sort(null);
        return out.stream().map(l -> l.substring(24)).toList();
    }

    /** What every runtime logged about the lease and capture, in time order (for a failure's message). */
    private String leaseLog() throws Exception {
        List<String> lines = new ArrayList<>();
        for (RuntimeProcess r : all) {
            for (String line : r.log().split("\n")) {
                if (line.contains("capture lease:") || line.contains("capture:") || line.contains("Fenced")) {
                    String l = line.length() > 300 ? line.substring(0, 300) : line;
                    lines.add(l.length() > 23 ? l.substring(0, 23) + " [" + names.get(r) + "]" + l.substring(23) : l);
                }
            }
        }
        lines.sort(null);
        return String.join("\n", lines);
    }

    private String holderNow() throws Exception {
        List<String> h = holders();
        return h.isEmpty() ? null : h.get(h.size() - 1);
    }

    /** No rebalance in progress: the group is stable and every partition of the access events is held. */
    private static boolean stable(Admin admin, String group) throws Exception {
        var d = admin.describeConsumerGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
        long held = d.members().stream().filter(m -> m.clientId().endsWith("/consume-access-events"))
                .mapToLong(m -> m.assignment().topicPartitions().size()).sum();
        return d.state() == ConsumerGroupState.STABLE && held == 6;
    }

    @Test
    void captureFailsOverAndConsumersScaleOutThroughKafka() throws Exception {
        long startSec = System.currentTimeMillis() / 1000;
        for (String name : List.of("r1", "r2", "r3")) {
            start(name);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> holderNow() != null);
        String first = holderNow();
        String topic = run + ".cloudgate.cg_access_event";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()))) {
            // every runtime consumes: the 6 partitions of the access events are spread over the three
            await().atMost(Duration.ofSeconds(60)).until(() -> KafkaOffsets.members(admin, run).keySet().stream()
                    .filter(c -> c.endsWith("/consume-access-events")).count() == 3);
            await().atMost(Duration.ofSeconds(30)).until(() -> ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events"
                    + " WHERE event_time >= toDateTime(" + startSec + ")") > 200);
            // the run's rows: from now on (CAPTURE_SNAPSHOT_MODE=no_data leaves out rows written before capture first connected)
            long fromSec = System.currentTimeMillis() / 1000 + 1;

            // 1. graceful stop of the capturer: another takes over; rows written meanwhile all arrive
            String prefix = run + "-handover-";
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger written = new AtomicInteger();
            Thread writer = new Thread(() -> {
                try (Connection db = Cloudgate.connect()) {
                    while (writing.get()) {
                        Cloudgate.insertAccessEvents(db, prefix, written.get(), 5);
                        written.addAndGet(5);
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            Thread.sleep(1000);
            assertThat(runtimes.get(first).stop()).as("graceful stop of " + first + " (SIGTERM)").isIn(0, 143);
            runtimes.remove(first);
            await().atMost(Duration.ofSeconds(30)).until(() -> holders().size() >= 2);
            String second = holderNow();
            assertThat(second).isNotEqualTo(first);
            Thread.sleep(2000);
            writing.set(false);
            writer.join();
            int handedOver = written.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> ClickHouseQuery.count("SELECT count()"
                    + CurrentView.accessEventsWithPrefix(prefix)) == handedOver);
            start(first); // back as a standby

            // 2. the capturer paused (SIGSTOP) until its lease is gone: another captures; resumed, it is fenced
            RuntimeProcess paused = runtimes.get(second);
            Runtime.getRuntime().exec(new String[] {"kill", "-STOP", String.valueOf(paused.process.pid())}).waitFor();
            long stoppedAt = System.currentTimeMillis();
            await().atMost(Duration.ofSeconds(40)).until(() -> holders().size() >= 3);
            String third = holderNow();
            long takeoverMs = System.currentTimeMillis() - stoppedAt;
            Thread.sleep(1000);
            Runtime.getRuntime().exec(new String[] {"kill", "-CONT", String.valueOf(paused.process.pid())}).waitFor();
            await().atMost(Duration.ofSeconds(40)).until(() -> paused.log().contains("capture lease: " + second + " gives it up"));
            assertThat(third).as("took over from the paused one after %d ms", takeoverMs).isNotEqualTo(second);
            // once the successor has committed records of its own, none of the paused one's comes after them
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                        .untilAsserted(() -> assertNothingCommittedAfterTakeover(topic, second, third));
            } catch (ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + leaseLog(), e);
            }

            // 3. kill -9 of the capturer: another captures within 30 s
            long killedAt = System.currentTimeMillis();
            runtimes.remove(third).kill();
            await().atMost(Duration.ofSeconds(30)).until(() -> !third.equals(holderNow()) && holders().size() >= 4);
            String fourth = holderNow();
            System.out.printf("capture lease: %s -> %s (graceful), %s -> %s (SIGSTOP, %d ms), %s -> %s (kill -9, %d ms)%n", first, second,
                    second, third, takeoverMs, third, fourth, System.currentTimeMillis() - killedAt);

            // 4. kill -9 of a consumer-only runtime: its partitions move to the other within 15 s. First the group
            // settles after the kill above: a member that dies in the middle of a rebalance (after joining it) holds
            // the rebalance until Kafka's rebalance timeout (max.poll.interval.ms), not the 10 s session timeout
            String consumerOnly = runtimes.keySet().stream().filter(n -> !n.equals(fourth)).findFirst().orElseThrow();
            await().atMost(Duration.ofSeconds(60)).until(() -> stable(admin, run) && KafkaOffsets.members(admin, run).keySet().stream()
                    .filter(c -> c.endsWith("/consume-access-events")).count() == 2);
            runtimes.remove(consumerOnly).kill();
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                Map<String, List<TopicPartition>> m = KafkaOffsets.members(admin, run);
                List<TopicPartition> held = m.getOrDefault(fourth + "/consume-access-events", List.of());
                return m.keySet().stream().noneMatch(c -> c.startsWith(consumerOnly + "/")) && held.size() == 6;
            });

            // 5. the generator stops; every row of the run is in ClickHouse once
            suspendGenerators(runtimes.get(fourth));
            long untilSec = System.currentTimeMillis() / 1000 + 2;
            Thread.sleep(3000);
            Set<String> source = new TreeSet<>();
            try (Connection db = Cloudgate.connect(); Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT event_id FROM cg_access_event WHERE event_time >= FROM_UNIXTIME(" + fromSec
                         + ") AND event_time < FROM_UNIXTIME(" + untilSec + ") OR event_id LIKE '" + prefix + "%'")) {
                while (rs.next()) {
                    source.add(rs.getString(1));
                }
            }
            String range = " WHERE (event_time >= toDateTime(" + fromSec + ") AND event_time < toDateTime(" + untilSec
                    + ") OR event_id LIKE '" + prefix + "%')";
            assertThat(source).as("the run wrote rows").hasSizeGreaterThan(1_500);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3)).until(() -> new TreeSet<>(ClickHouseQuery.column(
                    "SELECT event_id FROM piam.fact_access_events FINAL" + range + " AND is_deleted = 0")).equals(source));
            List<String> converged = ClickHouseQuery.column("SELECT event_id FROM piam.fact_access_events FINAL" + range + " AND is_deleted = 0");
            assertThat(converged).as("each exactly once under FINAL").hasSameSizeAs(source);
            assertThat(new HashSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events" + range)))
                    .as("raw rows hold no other key").isEqualTo(source);
        }
    }

    /**
     * Reads the access-event topic as the consumers do (committed records only): on every partition, no record
     * of the fenced runtime's last tenure ("name/start" in the captured-by header) comes after the first record
     * of the successor's tenure that began after it.
     */
    private void assertNothingCommittedAfterTakeover(String topic, String fenced, String successor) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long until = System.currentTimeMillis() + 60_000;
            while (parts.stream().anyMatch(p -> c.position(p) < ends.get(p)) && System.currentTimeMillis() < until) {
                c.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            Map<ConsumerRecord<byte[], byte[]>, String> by = new HashMap<>();
            records.forEach(r -> {
                Header h = r.headers().lastHeader("piam.captured-by");
                by.put(r, h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
            });
            Map<String, Long> tenures = new TreeMap<>();
            by.values().forEach(v -> tenures.merge(v, 1L, Long::sum));
            String seen = "committed records by captured-by: " + tenures;
            long fencedTenure = by.values().stream().filter(v -> v.startsWith(fenced + "/"))
                    .mapToLong(v -> Long.parseLong(v.substring(v.indexOf('/') + 1))).max()
                    .orElseThrow(() -> new AssertionError("no committed record of " + fenced + "; " + seen));
            String fencedBy = fenced + "/" + fencedTenure;
            long successorTenure = by.values().stream().filter(v -> v.startsWith(successor + "/"))
                    .mapToLong(v -> Long.parseLong(v.substring(v.indexOf('/') + 1))).filter(t -> t > fencedTenure).min()
                    .orElseThrow(() -> new AssertionError("no committed record of " + successor + " after " + fencedBy + "; " + seen));
            String successorBy = successor + "/" + successorTenure;
            Map<Integer, Long> firstOfSuccessor = new HashMap<>();
            Map<Integer, Long> lastOfFenced = new HashMap<>();
            records.forEach(r -> {
                if (by.get(r).equals(successorBy)) {
                    firstOfSuccessor.merge(r.partition(), r.offset(), Math::min);
                } else if (by.get(r).equals(fencedBy)) {
                    lastOfFenced.merge(r.partition(), r.offset(), Math::max);
                }
            });
            assertThat(firstOfSuccessor).as("the successor captured").isNotEmpty();
            assertThat(lastOfFenced).as("the fenced runtime captured before").isNotEmpty();
            lastOfFenced.forEach((partition, last) -> assertThat(last)
                    .as("partition %d: %s's last committed record is before %s's first", partition, fencedBy, successorBy)
                    .isLessThan(firstOfSuccessor.getOrDefault(partition, Long.MAX_VALUE)));
        }
    }

    /** Suspends the access-event generator from the live page's control (LIVE_VIEW_CONTROLS=true), as a person would. */
    private static void suspendGenerators(RuntimeProcess r) throws Exception {
        String own = "http://127.0.0.1:" + r.managementPort;
        HttpClient http = HttpClient.newHttpClient();
        String data = http.send(HttpRequest.newBuilder(URI.create(own + "/live/data")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher token = Pattern.compile("\"control_token\"\\s*:\\s*\"([0-9a-f]+)\"").matcher(data);
        assertThat(token.find()).as(data).isTrue();
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(own + "/live/control?route=generate-access-events&action=suspend"))
                .header("Origin", own).header("X-Live-Token", token.group(1)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(URI.create(own + "/live/data")).build(),
                HttpResponse.BodyHandlers.ofString()).body().contains("\"route_state\":\"Suspended\""));
    }
}
