package com.piam.cdc.tools.chaos;

import com.piam.cdc.record.InjectedRows;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Injects one fault and returns once the fault is over (the service is back, the runtime started again):
 * from then on the pipeline has to recover by itself.
 */
final class FaultInjector {

    /** The event_time of the rows ClickHouse rejects: before 1970, which its DateTime cannot hold. */
    static final String REJECTED_EVENT_TIME = "1969-07-20 20:17:40";

    private final LocalServices services;
    private final ChaosSettings settings;
    private final Random random;
    private final DataSource source;
    private final String tenant;
    private final String runId;
    private final List<String> rejectedIds = new ArrayList<>();

    /** {@code source}: the generator's own login to the source (the rejected row is written as any other). */
    FaultInjector(LocalServices services, ChaosSettings settings, Random random, DataSource source, String tenant, String runId) {
        this.services = services;
        this.settings = settings;
        this.random = random;
        this.source = source;
        this.tenant = tenant;
        this.runId = runId;
    }

    /** The event_ids of the rows written to be rejected so far. */
    List<String> rejectedIds() {
        return List.copyOf(rejectedIds);
    }

    /** Injects {@code fault}; returns a few words on what exactly happened ("pid 1234"). */
    String inject(Fault fault) throws Exception {
        switch (fault) {
            case KILL -> {
                long pid = services.killRuntime();
                Thread.sleep(1000 + random.nextInt(2000)); // a supervisor's restart delay
                services.startRuntime(true);
                return "pid " + pid;
            }
            case CLICKHOUSE -> {
                return outage("clickhouse", settings.clickHouseDownSeconds());
            }
            case KAFKA -> {
                return outage("kafka", settings.kafkaDownSeconds());
            }
            case MARIADB -> {
                services.stack("down", "mysql");
                services.stack("up", "mysql");
                return "stopped and started";
            }
            case REJECT -> {
                String id = InjectedRows.chaosRejected(runId, rejectedIds.size() + 1); // the verdict names it as injected
                insertRejected(id);
                rejectedIds.add(id);
                return id + " (event_time " + REJECTED_EVENT_TIME + ")";
            }
            case STOP -> {
                services.stack("down", "clickhouse");
                Thread.sleep(5_000); // the loader holds rows it cannot store
                long t0 = System.currentTimeMillis();
                services.stopRuntime();
                long stopMs = System.currentTimeMillis() - t0;
                services.stack("up", "clickhouse");
                services.startRuntime(true);
                return "stop took " + (stopMs + 500) / 1000 + " s";
            }
            default -> throw new IllegalStateException("unknown fault " + fault);
        }
    }

    private String outage(String service, int seconds) throws Exception {
        services.stack("down", service);
        Thread.sleep(seconds * 1000L);
        services.stack("up", service);
        return seconds + " s";
    }

    private void insertRejected(String id) throws Exception {
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO cg_access_event (event_id,tenant_id,event_time,badge_id,site_id,location_id,direction,result,"
                        + "event_type,pacs_source,pacs_event_id,raw_payload) VALUES (?,?,?,'B-CHAOS','S-CHAOS','L-CHAOS','IN','GRANT',"
                        + "'ACCESS','LENEL',?,'{}')")) {
            ps.setString(1, id);
            ps.setString(2, tenant);
            ps.setString(3, REJECTED_EVENT_TIME);
            ps.setString(4, id);
            ps.executeUpdate();
        }
    }
}
