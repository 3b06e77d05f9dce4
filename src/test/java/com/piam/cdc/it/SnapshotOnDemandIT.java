package com.piam.cdc.it;

import com.piam.cdc.capture.CaptureLiveness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A snapshot on demand (make snapshot) restores rows lost in ClickHouse: rows loaded, then deleted from the fact
 * table behind the pipeline's back, come back when the capturer is asked to read the source again (Debezium's
 * incremental, read-only snapshot signalled through Kafka). A row updated in MariaDB after it was lost arrives in
 * its new state, a row deleted in MariaDB stays deleted, and every other row is there once: key sets compared.
 */
class SnapshotOnDemandIT extends PipelineITSupport {

    final String prefix = "its-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void onlyTheTestWrites() throws Exception {
        stopGenerators();
    }

    private static Set<String> keys(String sql) throws Exception {
        return new TreeSet<>(ClickHouseQuery.column(sql));
    }

    @Test
    void rowsDeletedInClickHouseComeBackFromASnapshotOnDemand() throws Exception {
        int n = 3_000;
        try (Connection db = Cloudgate.connect()) {
            for (int i = 0; i < n; i += 500) {
                Cloudgate.insertAccessEvents(db, prefix, i, 500);
            }
            String current = "SELECT event_id" + CurrentView.accessEventsWithPrefix(prefix);
            await().atMost(Duration.ofSeconds(60)).until(() -> keys(current).size() == n);

            // lost behind the pipeline's back: an operator's mistake, a restored backup
            ClickHouseQuery.text("ALTER TABLE piam.fact_access_events DELETE WHERE event_id LIKE '" + prefix + "%'");
            await().atMost(Duration.ofSeconds(60)).until(() -> ClickHouseQuery.count(
                    "SELECT count() FROM piam.fact_access_events WHERE event_id LIKE '" + prefix + "%'") == 0);
            // meanwhile the source moves on: one row changes, one is deleted
            Cloudgate.execute(db, "UPDATE cg_access_event SET result = 'DENY', deny_reason = 'ANTIPASSBACK' WHERE event_id = '"
                    + prefix + "7'");
            Cloudgate.execute(db, "DELETE FROM cg_access_event WHERE event_id = '" + prefix + "8'");

            CaptureLiveness liveness = bean("captureLiveness", CaptureLiveness.class);
            long readBefore = liveness.snapshotRowsRead("cg_access_event");
            // asked over JMX, as an operator's console would (make snapshot writes the same request)
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = jmx.queryNames(new ObjectName("com.piam.cdc:type=SnapshotRequests,*"), null);
            assertThat(names).as("the snapshot operation is registered over JMX").hasSize(1);
            ObjectName requests = names.iterator().next();
            assertThat(jmx.invoke(requests, "snapshot", new Object[] {"nonsense", ""}, new String[] {"java.lang.String", "java.lang.String"}))
                    .asString().startsWith("not asked: table 'nonsense' is not a table of the pipeline");
            assertThat(jmx.invoke(requests, "snapshot", new Object[] {"events", "event_id LIKE '" + prefix + "%'"},
                    new String[] {"java.lang.String", "java.lang.String"})).asString()
                    .startsWith("asked the capturing runtime to read [cg_access_event] where event_id LIKE '" + prefix + "%' again");

            Set<String> source = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                if (i != 8) {
                    source.add(prefix + i);
                }
            }
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> keys(current).equals(source));
            assertThat(liveness.snapshotRowsRead("cg_access_event") - readBefore).as("rows the snapshot read (its progress, "
                    + "piam_capture_snapshot_rows_read)").isGreaterThanOrEqualTo(source.size());
            assertThat(ClickHouseQuery.count("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)))
                    .as("each row once in the converged view").isEqualTo(source.size());
            assertThat(ClickHouseQuery.count("SELECT count()" + CurrentView.accessEvents("event_id = '" + prefix
                    + "7' AND result = 'DENY' AND deny_reason = 'ANTIPASSBACK'"))).as("the updated row in its new state").isEqualTo(1);
            Set<String> raw = new HashSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events "
                    + "WHERE event_id LIKE '" + prefix + "%' AND is_deleted = 0"));
            assertThat(raw).as("no other key was loaded").isEqualTo(source);
        }
    }
}
