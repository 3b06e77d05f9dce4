package com.piam.cdc.it;

import com.piam.cdc.PipelineConfiguration;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;

import javax.sql.DataSource;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the real runtime (PipelineConfiguration + the YAML routes) against the local stack that
 * `make test` starts: real MariaDB, ClickHouse and Kafka on 127.0.0.1. Tests tell their own rows
 * apart by time (rows ingested or generated after the test started).
 */
abstract class PipelineITSupport extends CamelMainTestSupport {

    /** Taken before the runtime starts, so every row this runtime writes is newer. */
    protected final long testStartMs = System.currentTimeMillis();

    /** Settings for this test's runtime, on top of application.properties. */
    protected abstract Properties settings();

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(PipelineConfiguration.class);
    }

    /**
     * A free port for the test runtimes' metrics/health/status, so a leftover runtime cannot clash
     * (static: Camel's test support reads the settings before this class's instance fields are set).
     */
    /** Ports freePort() has handed out in this JVM: never handed out twice. */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();
    protected static final int managementPort = freePort();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = settings();
        p.putIfAbsent("MANAGEMENT_PORT", String.valueOf(managementPort));
        // these in-process runtimes share one topic prefix and offset file and run seconds each: a first start's
        // incremental snapshot (the default mode) would go on across several of them and read their rows a second time
        // (raw duplicates that converge, where these tests count raw rows); the first start's incremental snapshot has
        // its own tests (SnapshotResumeIT; RuntimeProcess runtimes keep the default)
        p.putIfAbsent("CAPTURE_SNAPSHOT_MODE", "when_needed");
        return p;
    }

    /**
     * A port free now, below Linux's ephemeral range (32768-60999): a port the OS picked for us from that range may be
     * taken minutes later by an outgoing connection of the same JVM (to Kafka, ClickHouse), and the runtime then
     * could not listen on it (CI saw "MANAGEMENT_PORT='37893' … Address already in use").
     */
    protected static int freePort() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            if (!HANDED_OUT.add(port)) {
                continue; // given to another runtime of this JVM's tests, which may still listen or have just stopped
            }
            try (java.net.ServerSocket s = new java.net.ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (java.io.IOException e) {
                // taken: try another
            }
        }
        throw new IllegalStateException("no free port between 20000 and 32000 on 127.0.0.1");
    }

    /** GET http://127.0.0.1:MANAGEMENT_PORT + path: status code and body. */
    protected Map.Entry<Integer, String> http(String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return Map.entry(r.statusCode(), r.body());
    }

    /** Settings from key/value pairs: {@code props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1")}. */
    protected static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** Stops both generator routes, so only the test's own rows flow. */
    protected void stopGenerators() throws Exception {
        context.getRouteController().stopRoute("generate-access-events");
        context.getRouteController().stopRoute("generate-connector-health");
    }

    protected <T> T bean(String name, Class<T> type) {
        T bean = context.getRegistry().lookupByNameAndType(name, type);
        assertThat(bean).as("bean " + name).isNotNull();
        return bean;
    }

    protected long clickHouse(String sql) throws Exception {
        return single(bean("clickHouseDataSource", DataSource.class), sql);
    }

    protected long mysql(String sql) throws Exception {
        return single(bean("cloudgateDataSource", DataSource.class), sql);
    }

    private static long single(DataSource ds, String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from: " + sql).isTrue();
            return rs.getLong(1);
        }
    }

    /** Runs ops/local/stack.sh with the given arguments; fails the test if it fails. */
    protected static void stack(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = new File("ops/local/stack.sh").getAbsolutePath();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("stack.sh finished").isTrue();
        assertThat(p.exitValue()).as("stack.sh " + String.join(" ", args) + " exit code").isZero();
    }
}
