package com.piam.cdc.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runtime takes every password from a *_PASSWORD_FILE (the Docker secrets convention) and wins
 * over a wrong *_PASSWORD beside it; it then captures, loads and verifies with each of its users, and
 * no password (right or wrong) appears in its log or in anything it serves.
 */
class PasswordFilesIT {

    private static final List<String> KEYS = List.of("MYSQL_PASSWORD", "MYSQL_MONITOR_PASSWORD", "CAPTURE_PASSWORD",
            "CLICKHOUSE_PASSWORD", "CLICKHOUSE_READER_PASSWORD", "JMX_PASSWORD");

    @TempDir
    Path secrets;

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void everyPasswordFromAFileAndNoneInTheLogOrTheEndpoints() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1"));
        Map<String, String> passwords = new HashMap<>();
        for (String key : KEYS) {
            String password = key.equals("JMX_PASSWORD") ? "jmx-it-" + Long.toHexString(System.nanoTime()) : StackLogins.password(key);
            passwords.put(key, password);
            Path file = secrets.resolve(key.toLowerCase());
            Files.writeString(file, password + "\n");
            env.put(key + "_FILE", file.toString());
            env.put(key, "wrong-" + key.toLowerCase()); // the file wins
        }
        int jmxPort = PipelineITSupport.freePort();
        env.put("JMX_PORT", String.valueOf(jmxPort));
        long since = System.currentTimeMillis();
        RuntimeProcess runtime = RuntimeProcess.start(env);
        String served;
        try {
            // generators (cg_generator) -> capture (debezium) -> load (piam_loader): rows arrive
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                assertThat(runtime.process.isAlive()).as("runtime alive; log:\n" + runtime.log()).isTrue();
                return ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE ingest_ts_ms >= " + since) > 0;
            });
            String base = "http://127.0.0.1:" + runtime.managementPort;
            // the verifier logs in as cg_monitor (binlog position) and piam_reader
            String pipeline = get(base + "/observe/pipeline?refresh=true");
            assertThat(pipeline).contains("\"binlog_position\" : \"mariadb-bin.").doesNotContain("Access denied", "refused the login");
            assertThat(pipeline).contains("\"stage\" : \"clickhouse\"");
            served = pipeline + get(base + "/observe/health") + get(base + "/observe/metrics");
            // JMX takes the password from its file
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + jmxPort + "/jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
            try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS,
                    new String[] {"piam", passwords.get("JMX_PASSWORD")}))) {
                assertThat(jmx.getMBeanServerConnection().getMBeanCount()).isPositive();
            }
        } finally {
            runtime.stop();
        }
        String log = runtime.log();
        assertThat(log).contains("Settings: ", "JMX: service:jmx:rmi://127.0.0.1:" + jmxPort);
        for (String key : KEYS) {
            assertThat(log).as("the log holds " + key).doesNotContain(passwords.get(key)).doesNotContain("wrong-" + key.toLowerCase());
            assertThat(served).as("the endpoints show " + key).doesNotContain(passwords.get(key));
        }
    }
}
