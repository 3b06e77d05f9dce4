package com.piam.cdc.it;

import com.piam.cdc.consume.ConsumeRoutes;
import com.piam.cdc.consume.OffsetCommitListener;
import org.apache.camel.Consumer;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.HashSet;
import java.util.Set;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Remote JMX asks for a login: no credentials or a wrong password are refused; with the password the
 * runtime generated (owner-only file under the data folder) an operator stops load-access-events over
 * remote JMX (JMX_PORT) while changes flow: the consumer
 * group's Kafka lag grows (nothing is committed while nothing is loaded); started again, every row
 * is in ClickHouse once and the lag drains. Stopped while rows flow, the stop completes without being
 * forced and nothing is lost or doubled.
 */
// one runtime for both tests: remote JMX binds its port once per JVM
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JmxRouteControlIT extends PipelineITSupport {

    private static final int JMX_PORT = freePort();

    @Override
    public void configureTest(TestExecutionConfiguration configuration) {
        super.configureTest(configuration);
        configuration.withJMX(true);
    }

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "cdc",
                "FLUSH_INTERVAL_SECONDS", "1",
                "JMX_PORT", String.valueOf(JMX_PORT));
    }

    /**
     * One runtime for the class (PER_CLASS): stopped here, after its last test. camel-test's per-class context is
     * otherwise stopped only when the JVM ends, and the next test class's runtime found MANAGEMENT_PORT still taken.
     */
    @AfterAll
    void stopTheRuntime() {
        context.stop();
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    private static long lag(Admin admin) throws Exception {
        long committed = KafkaOffsets.committed(admin, KafkaOffsets.GROUP, KafkaOffsets.ACCESS_EVENTS);
        return KafkaOffsets.end(admin, KafkaOffsets.ACCESS_EVENTS) - Math.max(0, committed);
    }

    private static void invoke(MBeanServerConnection mbeans, String routeId, String operation) throws Exception {
        ObjectName name = mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"" + routeId + "\",*"), null)
                .stream().findFirst().orElseThrow(() -> new AssertionError("no route MBean for " + routeId));
        mbeans.invoke(name, operation, null, null);
    }

    @Test
    void stopAndStartALoaderOverJmxLosesAndDoublesNothing() throws Exception {
        String prefix = "it-jmx-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String mine = " WHERE event_id LIKE '" + prefix + "%'";
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + JMX_PORT + "/jndi/rmi://127.0.0.1:" + JMX_PORT + "/jmxrmi");
        assertThatThrownBy(() -> JMXConnectorFactory.connect(url).close()).as("no credentials").isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {"piam", "guess"})).close())
                .as("a wrong password").isInstanceOf(SecurityException.class);
        Path passwordFile = StackLogins.dataDir().toPath().resolve("jmx.password");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        String[] login = {"piam", Files.readString(passwordFile).strip()};
        try (JMXConnector jmx = JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, login));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()));
             Connection db = Cloudgate.connect()) {
            MBeanServerConnection mbeans = jmx.getMBeanServerConnection();
            invoke(mbeans, "load-access-events", "stop");
            assertThat(context.getRouteController().getRouteStatus("load-access-events").isStopped()).isTrue();

            Cloudgate.insertAccessEvents(db, prefix, 0, 500);
            await().atMost(Duration.ofSeconds(20)).until(() -> lag(admin) >= 500);
            Thread.sleep(2000);
            assertThat(clickHouse("SELECT count() FROM piam.fact_access_events" + mine)).as("nothing loads while stopped").isZero();
            // the stage stopped over JMX shows up in the verifier's report
            PipelineStatus status = bean("pipelineVerifier", PipelineVerifier.class).verify();
            assertThat(status.overall()).isNotEqualTo(PipelineStatus.Overall.HEALTHY);
            assertThat(status.reasons()).contains("routes: load-access-events is Stopped");

            invoke(mbeans, "load-access-events", "start");
            await().atMost(Duration.ofSeconds(30)).until(() -> clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)) == 500);
            await().atMost(Duration.ofSeconds(10)).until(() -> lag(admin) == 0);
        }
        assertThat(clickHouse("SELECT uniqExact(event_id) FROM piam.fact_access_events" + mine)).isEqualTo(500);
        assertThat(clickHouse("SELECT count() FROM piam.fact_access_events" + mine)).as("no row written twice").isEqualTo(500);
    }

    /**
     * camel-kafka seeks a resumed consumer back to the last commit: records the consume route had already
     * handed over are read again. Made certain here: the load route stopped (its feeder paused), the feeder
     * resumed by hand so records pile up unsettled in the buffer, then paused and resumed once more (the
     * seek). Started, the loader loads each row once: the copies read again are dropped.
     */
    @Test
    void recordsReadAgainAfterAResumeAreNotLoadedTwice() throws Exception {
        String prefix = "it-jmxagain-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String mine = " WHERE event_id LIKE '" + prefix + "%'";
        Consumer feeder = context.getRoute("consume-access-events").getConsumer();
        OffsetCommitListener commits = bean(ConsumeRoutes.COMMITS_BEAN_PREFIX + "consume-access-events", OffsetCommitListener.class);
        context.getRouteController().stopRoute("load-access-events");
        await().atMost(Duration.ofSeconds(10)).until(() -> ServiceHelper.isSuspended(feeder));
        ServiceHelper.resumeService(feeder); // reads on into the stopped loader's buffer: nothing settles
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, prefix, 0, 300);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> commits.lag() == 0 && commits.heldBack(0).stream()
                .anyMatch(h -> h.contains("records not yet loaded")));
        ServiceHelper.suspendService(feeder);
        Thread.sleep(1500); // a poll applies the pause
        ServiceHelper.resumeService(feeder); // the next poll seeks back to the last commit and reads the 300 again
        Thread.sleep(3000);
        context.getRouteController().startRoute("load-access-events");
        await().atMost(Duration.ofSeconds(30)).until(() -> clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)) == 300);
        Thread.sleep(2000); // a second copy, if any, lands now
        assertThat(clickHouse("SELECT uniqExact(event_id) FROM piam.fact_access_events" + mine)).isEqualTo(300);
        assertThat(clickHouse("SELECT count() FROM piam.fact_access_events" + mine)).as("raw rows: none loaded twice").isEqualTo(300);
        assertThat(commits.heldBack(0)).as("every record settled").isEmpty();
    }

    /**
     * The loader stopped while rows keep arriving (the consume route goes on filling its buffer): the
     * stop finishes without being forced (the batch in hand is written, not dropped), and once
     * started again every row is loaded once and the lag drains (commits go on after the restart).
     */
    @Test
    void stopWhileRowsFlowThenStartDrainsEverything() throws Exception {
        String prefix = "it-jmxflow-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String mine = " WHERE event_id LIKE '" + prefix + "%'";
        AtomicInteger written = new AtomicInteger();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (Connection db = Cloudgate.connect()) {
                while (writing.get()) {
                    Cloudgate.insertAccessEvents(db, prefix, written.get(), 10);
                    written.addAndGet(10);
                    Thread.sleep(200); // ~50 rows/s
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "it-writer");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, StackLogins.kafkaBootstrap()))) {
            writer.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> clickHouse("SELECT count() FROM piam.fact_access_events" + mine) > 50);
            long t0 = System.nanoTime();
            context.getRouteController().stopRoute("load-access-events");
            long stopMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(context.getRouteController().getRouteStatus("load-access-events").isStopped()).isTrue();
            Thread.sleep(3000);
            writing.set(false);
            writer.join();
            context.getRouteController().startRoute("load-access-events");
            int total = written.get();
            await().atMost(Duration.ofSeconds(60)).until(() -> clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)) == total);
            await().atMost(Duration.ofSeconds(30)).until(() -> lag(admin) == 0);
            // a forced stop (the shutdown timeout) would have dropped the batch in hand
            assertThat(stopMs).as("stop finished before the %d s shutdown timeout", context.getShutdownStrategy().getTimeout())
                    .isLessThan(TimeUnit.SECONDS.toMillis(context.getShutdownStrategy().getTimeout()));
            // nothing lost, nothing doubled: the key sets on both sides
            Set<String> source = new HashSet<>();
            try (Connection db = Cloudgate.connect(); Statement st = db.createStatement();
                 ResultSet rs = st.executeQuery("SELECT event_id FROM cloudgate.cg_access_event" + mine)) {
                while (rs.next()) {
                    source.add(rs.getString(1));
                }
            }
            assertThat(source).hasSize(total);
            assertThat(ClickHouseQuery.column("SELECT event_id" + CurrentView.accessEventsWithPrefix(prefix)))
                    .as("converged rows: each source key once").containsExactlyInAnyOrderElementsOf(source);
            assertThat(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events" + mine))
                    .as("raw rows: no other key").containsExactlyInAnyOrderElementsOf(source);
            // the consumer resumed at the last commit: records it had handed over before the pause are read
            // again, and must not be loaded a second time
            assertThat(clickHouse("SELECT count() FROM piam.fact_access_events" + mine)).as("raw rows: none loaded twice").isEqualTo(total);
        }
    }
}
