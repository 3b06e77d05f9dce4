package com.piam.cdc.tools;

import com.piam.cdc.config.KafkaConnection;
import com.piam.cdc.kafka.KafkaClients;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * make soak: one runtime for SOAK_MINUTES (60) at SOAK_RATE events/s (300), a row set aside every minute, and every
 * SOAK_SAMPLE_MINUTES (5) the heap after a full GC (jcmd GC.run, GC.heap_info), metaspace, RSS and what the verifier
 * keeps per key (its facts). A set-aside row is one the reconciliation must account for: a source row written without
 * the binlog (so no change record carries it) whose key a bad record on the change topic takes to the dead-letter
 * topic; the verdict's reconcile stage then counts it as set aside, not missing. Prints a line per sample and the
 * heap's trend; the soak's rows leave MySQL at the end. Needs the local stack and the jar; the demo runtime must not run.
 */
public final class Soak {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Function<String, String> env = ToolSettings.lookup();
        PipelineSettings settings = ToolSettings.load();
        int minutes = positive(env, "SOAK_MINUTES", "60");
        int sampleMinutes = positive(env, "SOAK_SAMPLE_MINUTES", "5");
        String rate = env.apply("SOAK_RATE") == null ? "300" : env.apply("SOAK_RATE");
        String run = "soak" + System.currentTimeMillis() / 1000;
        String topic = PipelineTable.ACCESS_EVENTS.topic(run, settings.cdc().mysqlDatabase());
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        File log = new File(settings.cdc().dataDir(), "logs/" + run + ".log");
        log.getParentFile().mkdirs();
        ProcessBuilder pb = new ProcessBuilder("java", "@" + Path.of("ops/runtime.jvm").toAbsolutePath(), "-jar",
                new File("target/piam-cdc.jar").getAbsolutePath()).redirectErrorStream(true).redirectOutput(log);
        pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as ops/local/runtime.sh starts it
        // CAPTURE_SNAPSHOT_MODE=no_data streams from the capture's start: rows the generator wrote before it are not this
        // run's to carry, so reconciliation starts two minutes in (past the capture's start)
        pb.environment().put("RECONCILE_FROM", String.valueOf(System.currentTimeMillis() / 1000 + 120));
        pb.environment().putAll(Map.of("TOPIC_PREFIX", run, "KAFKA_GROUP_ID", run, "CAPTURE_SNAPSHOT_MODE", "no_data",
                "EVENT_RATE_PER_SECOND", rate, "MANAGEMENT_PORT", String.valueOf(port), "INGEST_MODE", "cdc",
                "PIAM_DATA_DIR", new File(settings.cdc().dataDir()).getAbsolutePath()));
        System.out.printf("soak: %d minutes at %s events/s, a row set aside every minute, a sample every %d minutes; topics %s.*, log %s%n",
                minutes, rate, sampleMinutes, run, log);
        Process runtime = pb.start();
        // root through the stack's socket (its only way in): writing without the binlog needs it
        List<String> mariadb = List.of("mariadb", "--no-defaults", "--socket=" + new File(settings.cdc().dataDir(), "run/mysql.sock")
                .getAbsolutePath(), "-uroot", settings.cdc().mysqlDatabase(), "-e");
        List<double[]> heap = new ArrayList<>(); // {minute, MB}
        int injected = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(settings.cdc().kafka(), Map.of(
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            awaitTopic(settings.cdc().kafka(), topic, runtime);
            long start = System.currentTimeMillis();
            for (int m = 1; m <= minutes; m++) {
                sleepUntil(start + m * 60_000L, runtime);
                setAside(mariadb, producer, topic, run + "-aside-" + m, settings.tenants().get(0));
                injected++;
                if (m % sampleMinutes == 0 || m == minutes) {
                    long[] used = HeapAfterGc.measure(runtime.pid());
                    heap.add(new double[] {m, used[0] / 1024.0});
                    JsonNode status = status(port);
                    System.out.printf("soak: minute %3d  heap after full GC %6.1f MB  metaspace %5.1f MB  RSS %4d MB  %s  set aside %d"
                                    + " (reconcile: %s set aside, %s)  rejected memory: %s  dead-letter keys: %s%n",
                            m, used[0] / 1024.0, used[1] / 1024.0, rssMb(runtime.pid()), status.path("status").asText("?"), injected,
                            fact(status, "reconcile", "set_aside"), problems(status, "reconcile"), fact(status, "rejected", "set_aside_memory"),
                            fact(status, "reconcile", "dead_letter_keys"));
                }
            }
            System.out.println(HeapAfterGc.trend(heap));
        } finally {
            runtime.destroy();
            if (!runtime.waitFor(120, TimeUnit.SECONDS)) {
                runtime.destroyForcibly();
            }
            sql(mariadb, "SET SESSION sql_log_bin = 0; DELETE FROM cg_access_event WHERE event_id LIKE '" + run + "-aside-%'");
            System.out.println("soak: removed its set-aside rows from MySQL (without the binlog, as they came)");
        }
    }

    /** A source row no change record carries, and a bad record of its key: the consume route sets it aside. */
    private static void setAside(List<String> mariadb, KafkaProducer<byte[], byte[]> producer, String topic, String id, String tenant)
            throws Exception {
        // id and tenant: [a-z0-9-] (the run's name, TENANTS checked at start-up)
        sql(mariadb, "SET SESSION sql_log_bin = 0; INSERT INTO cg_access_event (event_id,tenant_id,event_time,badge_id,site_id,"
                + "location_id,direction,result,event_type,pacs_source,pacs_event_id) VALUES ('" + id + "','" + tenant
                + "',NOW(3),'B-SOAK','S-SOAK','L-SOAK','IN','GRANT','ACCESS','LENEL','" + id + "')");
        byte[] key = ("{\"event_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"event_id\":\"" + id + "\",").getBytes(StandardCharsets.UTF_8); // cut short: not valid JSON
        producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }

    private static void sql(List<String> mariadb, String sql) throws Exception {
        List<String> cmd = new ArrayList<>(mariadb);
        cmd.add(sql);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("mariadb (root, socket) failed: " + out.strip());
        }
    }

    private static void awaitTopic(KafkaConnection kafka, String topic, Process runtime) throws Exception {
        try (Admin admin = KafkaClients.admin(kafka, Map.of())) {
            for (int i = 0; i < 180; i++) {
                if (!runtime.isAlive()) {
                    throw new IllegalStateException("the runtime ended (exit " + runtime.exitValue() + "); see its log");
                }
                if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                    return;
                }
                Thread.sleep(1000);
            }
        }
        throw new IllegalStateException("no topic " + topic + " after 3 minutes: the runtime's capture did not start; see its log");
    }

    private static void sleepUntil(long atMs, Process runtime) throws InterruptedException {
        while (System.currentTimeMillis() < atMs) {
            if (!runtime.isAlive()) {
                throw new IllegalStateException("the runtime ended (exit " + runtime.exitValue() + "); see its log");
            }
            Thread.sleep(Math.min(1000, Math.max(1, atMs - System.currentTimeMillis())));
        }
    }

    private static JsonNode status(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/observe/pipeline")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            return JSON.createObjectNode().put("status", "no answer (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String fact(JsonNode status, String stage, String fact) {
        for (JsonNode s : status.path("stages")) {
            if (s.path("stage").asText().equals(stage)) {
                return s.path("facts").path(fact).asText("-");
            }
        }
        return "-";
    }

    private static String problems(JsonNode status, String stage) {
        for (JsonNode s : status.path("stages")) {
            if (s.path("stage").asText().equals(stage)) {
                return s.path("reasons").isEmpty() ? "in sync" : s.path("reasons").toString();
            }
        }
        return "no reconcile stage";
    }

    private static long rssMb(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // gone
        }
        return -1;
    }

    private static int positive(Function<String, String> env, String name, String dflt) {
        String v = env.apply(name) == null ? dflt : env.apply(name);
        if (!v.matches("[1-9][0-9]{0,4}")) {
            System.err.println("soak: " + name + "='" + v + "' must be a whole number from 1 to 99999");
            System.exit(2);
        }
        return Integer.parseInt(v);
    }
}
