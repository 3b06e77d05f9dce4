package com.piam.cdc.ops;

import com.piam.cdc.capture.CaptureLease;

import com.piam.cdc.PipelineConfiguration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.File;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot run on the machines this project is built on (no Docker engine), so it is
 * checked statically: services, images, init mounts, health checks, the runtime's environment (only
 * names the runtime really reads), 127.0.0.1-only ports, one network, and the memory budget.
 */
class DockerComposeTest {

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void theSpecsServicesWithTheirImages() {
        assertThat(services).containsOnlyKeys("mysql", "redpanda", "clickhouse", "runtime", "debezium-connect");
        assertThat(services.get("mysql").get("image")).isEqualTo("mysql:8.0");
        assertThat(services.get("redpanda").get("image")).isEqualTo("redpandadata/redpanda:v24.1.1");
        assertThat((String) services.get("clickhouse").get("image")).matches("clickhouse/clickhouse-server:2[4-9]\\.\\d+");
        assertThat(services.get("debezium-connect").get("image")).isEqualTo("debezium/connect:2.5");
        assertThat(services.get("debezium-connect").get("profiles")).isEqualTo(List.of("connect"));
        assertThat(services.get("runtime").get("build")).isEqualTo(".");
        assertThat(new File("Dockerfile")).exists();
    }

    @Test
    void mysqlRunsThePlansLowMemoryFlagsAndBinlogForDebezium() {
        String command = (String) services.get("mysql").get("command");
        assertThat(command).contains("--innodb-buffer-pool-size=64M", "--innodb-log-buffer-size=8M", "--max-connections=50",
                "--binlog-format=ROW", "--binlog-row-image=FULL", "--server-id=");
        @SuppressWarnings("unchecked")
        List<String> redpanda = (List<String>) services.get("redpanda").get("command");
        assertThat(redpanda).contains("--memory=200M", "--reserve-memory=0M", "--smp=1", "--overprovisioned");
    }

    @Test
    void initScriptsAreMountedAndExist() {
        assertThat(volumes("mysql")).contains("./ops/mysql-init:/docker-entrypoint-initdb.d:ro");
        assertThat(volumes("clickhouse")).contains("./ops/clickhouse-init:/docker-entrypoint-initdb.d:ro");
        assertThat(new File("ops/mysql-init").list((d, n) -> n.endsWith(".sql"))).isNotEmpty();
        assertThat(new File("ops/clickhouse-init").list((d, n) -> n.endsWith(".sql"))).isNotEmpty();
    }

    @Test
    void everyServiceTheRuntimeWaitsForHasAHealthCheck() {
        for (String name : List.of("mysql", "redpanda", "clickhouse", "debezium-connect")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> health = (Map<String, Object>) services.get(name).get("healthcheck");
            assertThat(health).as(name + " healthcheck").isNotNull().containsKey("test");
        }
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) services.get("runtime").get("depends_on");
        assertThat(dependsOn).containsOnlyKeys("mysql", "redpanda", "clickhouse");
        dependsOn.values().forEach(d -> assertThat(d.get("condition")).isEqualTo("service_healthy"));
    }

    @Test
    void theRuntimeIsGivenOnlySettingsItReads() throws Exception {
        Properties defaults = new Properties();
        try (FileReader r = new FileReader("src/main/resources/application.properties")) {
            defaults.load(r);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) services.get("runtime").get("environment");
        for (String name : env.keySet()) {
            // a password belongs to a *_USER setting (MYSQL_USER -> MYSQL_PASSWORD, ...)
            boolean password = name.endsWith("_PASSWORD") && defaults.containsKey(name.replaceFirst("_PASSWORD$", "_USER"));
            assertThat(defaults.containsKey(name) || password || name.equals("JAVA_OPTS"))
                    .as(name + " is a setting the runtime reads (application.properties), a user's password, or JAVA_OPTS (Dockerfile)")
                    .isTrue();
        }
        assertThat(env).as("the runtime never gets the admin's or root's password")
                .doesNotContainKeys("MYSQL_ROOT_PASSWORD", "CLICKHOUSE_ADMIN_PASSWORD");
        assertThat(env).containsEntry("SOURCE_FLAVOR", "mysql").containsKey("INGEST_MODE");
        assertThat(Files.readString(Path.of("Dockerfile"))).contains("${JAVA_OPTS:-@/app/runtime.jvm}", "COPY ops/runtime.jvm /app/runtime.jvm", "USER piam", "eclipse-temurin:17-jre");
    }

    @Test
    void portsAreBoundToLoopbackAndAllServicesShareOneNetwork() {
        services.forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            List<String> ports = (List<String>) service.getOrDefault("ports", List.of());
            ports.forEach(p -> assertThat(p).as(name + " port").startsWith("127.0.0.1:"));
            assertThat(service.get("networks")).as(name + " networks").isEqualTo(List.of("piam-network"));
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> networks = (Map<String, Object>) compose.get("networks");
        assertThat(networks).containsOnlyKeys("piam-network");
    }

    /** `docker compose up --scale runtime=3`: no fixed container name or host port on the runtime, the lease passed on. */
    @Test
    @SuppressWarnings("unchecked")
    void theRuntimeServiceCanBeScaled() {
        Map<String, Object> runtime = services.get("runtime");
        assertThat(runtime).as("a fixed container_name stops --scale").doesNotContainKey("container_name");
        List<String> ports = (List<String>) runtime.get("ports");
        assertThat(ports).hasSize(1);
        java.util.regex.Matcher range = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)-(\\d+):9876").matcher(ports.get(0));
        assertThat(range.matches()).as("a host port range for the replicas: " + ports.get(0)).isTrue();
        assertThat(Integer.parseInt(range.group(2)) - Integer.parseInt(range.group(1)) + 1).as("ports for 3 replicas").isGreaterThanOrEqualTo(3);
        assertThat(Integer.parseInt(range.group(1))).as("the first replica keeps 9876").isEqualTo(9876);
        assertThat((Map<String, Object>) runtime.get("environment")).containsEntry("CAPTURE_LEASE", "${CAPTURE_LEASE:-false}");
    }

    @Test
    void everyServiceHasAMemoryLimitAndTheyAddUpToAtMost2point5GB() {
        long totalMb = 0;
        List<String> missing = new ArrayList<>();
        for (var e : services.entrySet()) {
            Object limit = e.getValue().get("mem_limit");
            if (limit == null) {
                missing.add(e.getKey());
                continue;
            }
            totalMb += megabytes(limit.toString());
        }
        assertThat(missing).as("services without mem_limit").isEmpty();
        assertThat(megabytes("1g")).isEqualTo(1024);
        assertThat(megabytes("256m")).isEqualTo(256);
        assertThat(totalMb).as("sum of mem_limit (MB), Debezium Connect included").isLessThanOrEqualTo(2560);
        assertThat(megabytes(services.get("clickhouse").get("mem_limit").toString())).isEqualTo(1024);
        assertThat(megabytes(services.get("mysql").get("mem_limit").toString())).isEqualTo(256);
        assertThat(megabytes(services.get("redpanda").get("mem_limit").toString())).isEqualTo(256);
    }

    /** The runtime's limit follows the RSS measured at full speed (docs/benchmark.md "Compose limits"), with headroom. */
    @Test
    void theRuntimesMemoryLimitFollowsTheMeasuredRss() throws Exception {
        Matcher measured = Pattern.compile("largest RSS measured at full speed: (\\d+) MB")
                .matcher(Files.readString(Path.of("docs/benchmark.md")));
        assertThat(measured.find()).as("docs/benchmark.md names the largest RSS measured at full speed").isTrue();
        long rss = Long.parseLong(measured.group(1));
        long limit = megabytes(services.get("runtime").get("mem_limit").toString());
        assertThat(limit).as("runtime mem_limit (MB) against the measured %d MB", rss).isBetween(rss * 11 / 10, rss * 15 / 10);
        assertThat(megabytes(services.get("runtime").get("memswap_limit").toString())).isEqualTo(limit);
    }

    /** Compose's default 10 s would kill a runtime still writing its held batches. */
    @Test
    void theRuntimeIsGivenLongerToStopThanItsLongestGracefulStop() throws Exception {
        Properties app = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            app.load(in);
        }
        int routes = Integer.parseInt(app.getProperty("camel.main.shutdown-timeout").trim());
        int longest = routes + CaptureLease.LEAVE_TIMEOUT_SECONDS + PipelineConfiguration.BATCH_WRITER_DRAIN_SECONDS;
        Object grace = services.get("runtime").get("stop_grace_period");
        assertThat(grace).as("the runtime's stop_grace_period").isNotNull();
        Matcher m = Pattern.compile("(\\d+)s").matcher(grace.toString());
        assertThat(m.matches()).as("stop_grace_period in seconds: %s", grace).isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("stop_grace_period against the longest graceful stop (%d s)", longest)
                .isGreaterThan(longest);
        assertThat(Files.readString(Path.of("docs/operations.md"))).contains("the longest graceful stop is " + longest + " s");
    }

    static long megabytes(String limit) {
        String v = limit.trim().toLowerCase(Locale.ROOT);
        long n = Long.parseLong(v.replaceAll("[^0-9]", ""));
        return switch (v.replaceAll("[0-9]", "")) {
            case "g", "gb" -> n * 1024;
            case "m", "mb" -> n;
            case "k", "kb" -> n / 1024;
            default -> n / (1024 * 1024);
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> volumes(String service) {
        return (List<String>) services.get(service).get("volumes");
    }

    @Test
    void theMakefilesDockerCommandsNameRealContainersAndServices() throws Exception {
        String makefile = Files.readString(Path.of("Makefile"));
        List<String> containers = services.values().stream().map(s -> (String) s.get("container_name")).filter(java.util.Objects::nonNull)
                .toList();
        java.util.regex.Matcher exec = java.util.regex.Pattern.compile("docker exec (?:-\\w+ )*([a-z-]+)").matcher(makefile);
        int execs = 0;
        while (exec.find()) {
            execs++;
            assertThat(containers).as("docker exec target in Makefile").contains(exec.group(1));
        }
        java.util.regex.Matcher compose = java.util.regex.Pattern.compile(
                "docker compose (?:restart|logs -f --tail \\d+|exec -T(?: -e \\S+)*|ps -q) ([a-z-]+)").matcher(makefile);
        int composeCalls = 0;
        while (compose.find()) {
            composeCalls++;
            assertThat(services).as("docker compose service in Makefile").containsKey(compose.group(1));
        }
        assertThat(composeCalls).as("demo-verify, demo-reset (2), demo-logs and the Docker check use compose services")
                .isGreaterThanOrEqualTo(5);
        assertThat(makefile).as("demo-reset logs in as the ClickHouse container's admin").contains("clickhouse-client --user \"$$CLICKHOUSE_USER\"");
        assertThat(makefile).contains("com.piam.cdc.tools.VerifyReport");
    }
}
