package com.piam.cdc.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 24's done-when, as a new user tries it: `STACK_SECURE=true` starts a local stack that takes only encrypted
 * connections — MariaDB with require_secure_transport, ClickHouse on its HTTPS and TLS native ports only — and a
 * runtime and the verifier started by the scripts (no TLS setting given by hand) reach it by settings alone: rows
 * arrive, the verdict is HEALTHY, and the runtime's sockets go to the TLS ports only. A stack of its own (a temporary
 * data folder, free ports), beside the tests' stack; stopped at the end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictStackIT {

    private Path data;

    private final Map<String, String> env = new HashMap<>();

    @BeforeAll
    void startTheStackWithTlsOnly() throws Exception {
        for (String k : List.of("PATH", "HOME", "JAVA_HOME", "LANG", "MAVEN_OPTS")) {
            if (System.getenv(k) != null) {
                env.put(k, System.getenv(k));
            }
        }
        data = Files.createTempDirectory("strict-stack");
        env.put("PIAM_DATA_DIR", data.toString());
        for (String port : List.of("MYSQL_PORT", "CLICKHOUSE_PORT", "CLICKHOUSE_TCP_PORT", "CLICKHOUSE_HTTPS_PORT",
                "CLICKHOUSE_TCP_SECURE_PORT", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "KAFKA_SECURE_PORT", "MANAGEMENT_PORT")) {
            env.put(port, String.valueOf(freePort()));
        }
        Result up = run(Map.of("STACK_SECURE", "true"), 300, "ops/local/stack.sh", "up");
        assertThat(up.exit()).as(up.output()).isZero();
    }

    @AfterAll
    void stopIt() throws Exception {
        run(Map.of(), 60, "ops/local/runtime.sh", "stop");
        Result down = run(Map.of(), 120, "ops/local/stack.sh", "down");
        assertThat(down.exit()).as(down.output()).isZero();
        assertThat(data.resolve("run/stack-secure")).as("the mode is forgotten once nothing runs").doesNotExist();
        run(Map.of(), 60, "rm", "-rf", data.toString());
    }

    @Test
    void onlyEncryptedConnectionsAndTheRuntimeAndVerifierReachItBySettingsAlone() throws Exception {
        // ClickHouse: the plain HTTP and native ports are not there, HTTPS and native TLS are
        assertThat(listening(port("CLICKHOUSE_PORT"))).as("ClickHouse HTTP").isFalse();
        assertThat(listening(port("CLICKHOUSE_TCP_PORT"))).as("ClickHouse native TCP").isFalse();
        assertThat(listening(port("CLICKHOUSE_HTTPS_PORT"))).as("ClickHouse HTTPS").isTrue();
        assertThat(listening(port("CLICKHOUSE_TCP_SECURE_PORT"))).as("ClickHouse native over TLS").isTrue();
        Result status = run(Map.of(), 60, "ops/local/stack.sh", "status");
        assertThat(status.exit()).as("status without STACK_SECURE finds the running stack's mode: " + status.output()).isZero();

        // MariaDB: a right password over plain TCP is refused, the same login over TLS with the stack's CA works
        String monitor = StackLogins.password("MYSQL_MONITOR_PASSWORD");
        String url = "jdbc:mariadb://127.0.0.1:" + port("MYSQL_PORT") + "/cloudgate";
        assertThatThrownBy(() -> DriverManager.getConnection(url + "?sslMode=disable", "cg_monitor", monitor).close())
                .as("a plain session over TCP").isInstanceOf(SQLException.class);
        try (Connection c = DriverManager.getConnection(url + "?sslMode=verify-full&serverSslCert=" + data.resolve("tls/ca.pem"),
                "cg_monitor", monitor);
             ResultSet rs = c.createStatement().executeQuery("SELECT @@require_secure_transport, VARIABLE_VALUE "
                     + "FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("require_secure_transport").isEqualTo(1);
            assertThat(rs.getString(2)).as("this session's cipher").isNotBlank();
        }

        // a runtime started as make demo starts it: no TLS setting given, the stack's mode decides
        long since = System.currentTimeMillis();
        Result start = run(Map.of(), 60, "ops/local/runtime.sh", "start");
        assertThat(start.exit()).as(start.output()).isZero();
        Result rows = run(Map.of(), 180, "ops/local/runtime.sh", "wait-rows", String.valueOf(since), "150");
        assertThat(rows.exit()).as(rows.output() + log()).isZero();

        long pid = Long.parseLong(Files.readString(data.resolve("run/runtime.pid")).strip());
        Set<Integer> remote = remotePorts(pid);
        assertThat(remote).as("the runtime's connections (ss)")
                .contains(port("MYSQL_PORT"), port("CLICKHOUSE_HTTPS_PORT"), port("KAFKA_SECURE_PORT"))
                .doesNotContain(port("KAFKA_PORT"));
        assertThat(remote).as("every connection goes to a TLS port").isSubsetOf(
                port("MYSQL_PORT"), port("CLICKHOUSE_HTTPS_PORT"), port("KAFKA_SECURE_PORT"));

        // the verifier, as make demo-verify runs it (secure-env.sh), reaches every service and says HEALTHY
        Result verdict = null;
        long deadline = System.currentTimeMillis() + 150_000;
        while (System.currentTimeMillis() < deadline) {
            verdict = run(Map.of(), 120, "make", "-s", "demo-verify");
            if (verdict.exit() == 0) {
                break;
            }
            Thread.sleep(5_000);
        }
        assertThat(verdict.exit()).as(verdict.output() + log()).isZero();
        assertThat(verdict.output()).contains("Status: HEALTHY");
    }

    private record Result(int exit, String output) {
    }

    private Result run(Map<String, String> extra, int seconds, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        pb.environment().putAll(extra);
        Path out = Files.createTempFile("strict-stack", ".out");
        pb.redirectOutput(out.toFile());
        Process p = pb.start();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, String.join(" ", command) + " did not end within " + seconds + " s: " + Files.readString(out));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    private int port(String name) {
        return Integer.parseInt(env.get(name));
    }

    private String log() throws IOException {
        Path log = data.resolve("logs/runtime.log");
        if (!Files.exists(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log);
        return "\nruntime log (end):\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The remote ports of a process's established TCP connections, from ss. */
    private static Set<Integer> remotePorts(long pid) throws Exception {
        Process p = new ProcessBuilder("ss", "-tnpH", "state", "established").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        Set<Integer> ports = new TreeSet<>();
        Pattern peer = Pattern.compile("\\S+:(\\d+)\\s+users:");
        for (String line : out.split("\n")) {
            if (line.contains("pid=" + pid + ",")) {
                Matcher m = peer.matcher(line);
                if (m.find()) {
                    ports.add(Integer.parseInt(m.group(1)));
                }
            }
        }
        return ports;
    }
}
