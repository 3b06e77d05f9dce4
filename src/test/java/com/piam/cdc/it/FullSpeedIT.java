package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The generator flat out (asked for 20,000 events/s) through the whole CDC path for FULL_SPEED_SECONDS (10; the
 * issue's 30 s scenario: {@code FULL_SPEED_SECONDS=30}, which adds a minute to make test), with the
 * heap `make demo` gives the runtime and the verifier and reconciliation at their defaults, then stopped over JMX:
 * every MySQL key of the run is in ClickHouse exactly once (key sets both ways, and raw rows = keys unless the capture
 * engine was restarted, which sends again what it sent since its last stored offset) and the log holds no
 * OutOfMemoryError (issue 21: full speed ran the runtime out of heap). Prints the rows and the runtime's RSS.
 */
class FullSpeedIT {

    static final int FLAT_OUT_SECONDS = Integer.parseInt(System.getenv().getOrDefault("FULL_SPEED_SECONDS", "10"));
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    @Test
    void everyRowOfAFullSpeedRunArrivesOnceAndTheHeapHolds() throws Exception {
        int jmxPort = PipelineITSupport.freePort();
        String jmxPassword = UUID.randomUUID().toString();
        // the next whole second: the test before may have loaded acme rows of its own database (not cloudgate's) up to the
        // moment it ended, and ClickHouse is shared (CI once saw them counted as this run's)
        long since = (System.currentTimeMillis() / 1000 + 1) * 1000;
        RuntimeProcess runtime = RuntimeProcess.startAsDemo(Map.of("INGEST_MODE", "cdc", "EVENT_RATE_PER_SECOND", "20000",
                "JMX_PORT", String.valueOf(jmxPort), "JMX_PASSWORD", jmxPassword));
        long maxRss = 0;
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> runtime.log().contains("Loaded"));
            long until = System.currentTimeMillis() + FLAT_OUT_SECONDS * 1000L;
            while (System.currentTimeMillis() < until) {
                maxRss = Math.max(maxRss, runtime.rssMb());
                Thread.sleep(1000);
            }
            stopRoute(jmxPort, jmxPassword, "generate-access-events");
            Set<String> source = mysqlKeys(since);
            System.out.printf("FullSpeedIT: %,d rows committed in MySQL in the run; waiting for them in ClickHouse%n", source.size());
            long start = System.currentTimeMillis();
            long[] max = {maxRss};
            await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                max[0] = Math.max(max[0], runtime.rssMb());
                assertThat(runtime.process.isAlive()).as("runtime alive").isTrue();
                return ClickHouseQuery.count("SELECT uniqExact(event_id)" + converged(since)) >= source.size();
            });
            Set<String> target = new HashSet<>(ClickHouseQuery.column("SELECT event_id" + converged(since) + " GROUP BY event_id"));
            Set<String> missing = new HashSet<>(source);
            missing.removeAll(target);
            Set<String> extra = new HashSet<>(target);
            extra.removeAll(source);
            assertThat(missing.size()).as("MySQL keys of the run (%,d) not in ClickHouse, e.g. %s", source.size(),
                    missing.stream().limit(5).toList()).isZero();
            assertThat(extra.size()).as("ClickHouse keys not in MySQL, e.g. %s", extra.stream().limit(5).toList()).isZero();
            long raw = ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE event_time >= toDateTime("
                    + since / 1000 + ") AND event_time_ms >= " + since + " AND tenant_id IN ('acme', 'buildright')");
            if (runtime.log().contains("capture: engine stopped")) {
                // the capture engine failed and was restarted (on a stack without stored offsets: Debezium 3.4's read-only
                // incremental snapshot can fail at the first start's request, docs/operations.md): it sends the changes
                // since its last stored offset again, at least once by design; the converged keys above are exact
                System.out.printf("FullSpeedIT: the capture engine was restarted; %,d rows were sent again%n", raw - source.size());
                assertThat(raw).as("raw rows").isGreaterThanOrEqualTo(source.size());
            } else {
                assertThat(raw).as("raw rows: none loaded twice").isEqualTo(source.size());
            }
            System.out.printf("FullSpeedIT: %,d rows in ClickHouse, converged once each, %d s after the generator stopped; runtime RSS max %d MB%n",
                    target.size(), (System.currentTimeMillis() - start) / 1000, max[0]);
            assertThat(runtime.log()).doesNotContain("OutOfMemoryError").doesNotContain("Java heap space");
            assertThat(runtime.stop()).as("graceful stop").isIn(0, 143);
        } finally {
            if (runtime.process.isAlive()) {
                runtime.kill();
            }
        }
    }

    /** The converged access events of the run (newest version not a delete), after FROM; demo tenants only. */
    private static String converged(long sinceMs) {
        return " FROM (SELECT event_id, argMax(is_deleted, version) AS d FROM piam.fact_access_events PREWHERE event_time >= toDateTime("
                + sinceMs / 1000 + ") AND event_time_ms >= " + sinceMs + " AND tenant_id IN ('acme', 'buildright') "
                + "GROUP BY tenant_id, event_id) WHERE d = 0";
    }

    private static Set<String> mysqlKeys(long sinceMs) throws Exception {
        Set<String> keys = new HashSet<>();
        try (Connection db = Cloudgate.connect(); Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT event_id FROM cg_access_event WHERE tenant_id IN ('acme', 'buildright') AND event_time >= '"
                        + UTC.format(Instant.ofEpochMilli(sinceMs)) + "'")) {
            while (rs.next()) {
                keys.add(rs.getString(1));
            }
        }
        return keys;
    }

    /** Stops a route over the runtime's remote JMX, as an operator would from JConsole. */
    private static void stopRoute(int port, String password, String routeId) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + port + "/jndi/rmi://127.0.0.1:" + port + "/jmxrmi");
        try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"piam", password}))) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            ObjectName route = mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"" + routeId + "\",*"), null)
                    .stream().findFirst().orElseThrow(() -> new IllegalStateException("no JMX MBean for route " + routeId));
            mbeans.invoke(route, "stop", null, null);
        }
    }
}
