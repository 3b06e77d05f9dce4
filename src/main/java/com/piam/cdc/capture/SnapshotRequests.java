package com.piam.cdc.capture;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * Snapshots on demand over JMX: the MBean {@code com.piam.cdc:type=SnapshotRequests,runtime=<RUNTIME_NAME>}, operation
 * {@code snapshot(table, where)} (JConsole, or any client of JMX_PORT), writes the same request as {@code make snapshot}:
 * the signal goes to the signal topic, so whichever runtime captures reads it, and this runtime need not be the
 * capturer. Registered in the platform MBean server while the Camel context runs.
 */
public class SnapshotRequests extends ServiceSupport implements SnapshotRequestsMBean {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotRequests.class);

    private final PipelineSettings.Cdc cdc;
    private final ObjectName name;

    public SnapshotRequests(PipelineSettings.Cdc cdc, String runtimeName) {
        this.cdc = cdc;
        try {
            this.name = new ObjectName("com.piam.cdc:type=SnapshotRequests,runtime=" + ObjectName.quote(runtimeName));
        } catch (Exception e) {
            throw new IllegalArgumentException("RUNTIME_NAME " + runtimeName + " cannot name a JMX MBean: " + e.getMessage(), e);
        }
    }

    public ObjectName objectName() {
        return name;
    }

    /** "events", "health" (or a table's source or fact name), "" or "all" for both; null when it names no table. */
    public static List<PipelineTable> tables(String name) {
        return switch (name == null ? "" : name.strip().toLowerCase(Locale.ROOT)) {
            case "", "all" -> List.of(PipelineTable.values());
            case "events", "access_events", "cg_access_event", "fact_access_events" -> List.of(PipelineTable.ACCESS_EVENTS);
            case "health", "connector_health", "cg_connector_health", "fact_connector_health" -> List.of(PipelineTable.CONNECTOR_HEALTH);
            default -> null;
        };
    }

    /** The signal for these tables (null where: every row). */
    public static String signal(PipelineSettings.Cdc cdc, List<PipelineTable> tables, String where, String id) {
        return SnapshotSignal.json(id, tables.stream().map(t -> cdc.mysqlDatabase() + "." + t.source).toList(), where);
    }

    /** Writes the request to the signal topic; returns once Kafka has it. */
    public static void request(PipelineSettings.Cdc cdc, List<PipelineTable> tables, String where, String id) throws Exception {
        SnapshotSignal.send(cdc.kafka(), cdc.signalTopic(), cdc.topicPrefix(), signal(cdc, tables, where, id), "piam-snapshot");
    }

    @Override
    public String snapshot(String table, String where) {
        List<PipelineTable> tables = tables(table);
        if (tables == null) {
            return "not asked: table '" + table + "' is not a table of the pipeline; use events, health or leave it empty for both";
        }
        String condition = where == null || where.isBlank() ? null : where.strip();
        String id = "jmx-snapshot-" + System.currentTimeMillis();
        try {
            request(cdc, tables, condition, id);
        } catch (Exception e) {
            return "not asked: could not write the request to " + cdc.signalTopic() + " at " + cdc.kafkaBootstrap() + ": " + e.getMessage();
        }
        String asked = "asked the capturing runtime to read " + tables.stream().map(t -> t.source).toList()
                + (condition == null ? "" : " where " + condition) + " again (" + id + "); its log and the capture stage show the progress";
        LOG.info("snapshot on demand over JMX: {}", asked);
        return asked;
    }

    @Override
    protected void doStart() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name); // left by a runtime of the same name in this JVM (tests)
        }
        server.registerMBean(this, name);
    }

    @Override
    protected void doStop() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (server.isRegistered(name)) {
            server.unregisterMBean(name);
        }
    }
}
