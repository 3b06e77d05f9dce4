package com.piam.cdc.clickhouse;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every query the runtime and its tools send to ClickHouse, other than the loader's inserts (those
 * follow the column mapping in load.FactTable). One place, so that ClickHouseCurrentIT runs each of
 * them, found by reflection, on current ClickHouse (the Docker path) as well as on 18.16: a query
 * added here is checked without anyone remembering to. The arguments are the database and plain
 * numbers or strings; string values are quoted here.
 */
public final class ClickHouseQueries {

    private ClickHouseQueries() {
    }

    // --- generate: the demo dimensions the generators draw from (loader's login) ---

    public static String connectors(String db) {
        return "SELECT tenant_id, connector_id, connector_name, toString(pacs_type), pacs_version, endpoint_url FROM " + db
                + ".dim_connector FINAL ORDER BY tenant_id, connector_id";
    }

    public static String sites(String db) {
        return "SELECT tenant_id, site_id, connector_id FROM " + db + ".dim_site FINAL ORDER BY tenant_id, site_id";
    }

    public static String locations(String db) {
        return "SELECT tenant_id, site_id, location_id, is_restricted FROM " + db
                + ".dim_location FINAL ORDER BY tenant_id, site_id, location_id";
    }

    public static String people(String db) {
        return "SELECT tenant_id, person_id, badge_id, badge_status FROM " + db + ".dim_person FINAL ORDER BY tenant_id, person_id";
    }

    // --- load: the preflight (loader's login) ---

    public static String accessEventsTableExists(String db) {
        return "EXISTS TABLE " + db + ".fact_access_events";
    }

    public static String connectorHealthTableExists(String db) {
        return "EXISTS TABLE " + db + ".fact_connector_health";
    }

    /** 1 when fact_connector_health has source_id (a column added after the table first shipped). */
    public static String healthSourceIdColumn(String db) {
        return "SELECT count() FROM system.columns WHERE database = " + literal(db)
                + " AND table = 'fact_connector_health' AND name = 'source_id'";
    }

    // --- verify: the clickhouse and freshness stages (reader's login) ---

    /** Distinct access events and the newest event time of the last 10 minutes (exact under replay). */
    public static String recentAccessEvents(String db) {
        return "SELECT uniqExact(event_id), max(event_time_ms) FROM " + db + ".fact_access_events WHERE event_time > now() - INTERVAL 10 MINUTE";
    }

    public static String recentHealthChecks(String db) {
        return "SELECT uniqExact(tenant_id, connector_id, check_time), max(check_time_ms) FROM " + db
                + ".fact_connector_health WHERE check_time > now() - INTERVAL 10 MINUTE";
    }

    public static String expectedConnectors(String db, List<String> tenants) {
        return "SELECT DISTINCT connector_id FROM " + db + ".dim_connector WHERE tenant_id IN ("
                + tenants.stream().map(ClickHouseQueries::literal).collect(Collectors.joining(",")) + ")";
    }

    public static String lastCheckByConnector(String db) {
        return "SELECT connector_id, max(check_time_ms) FROM " + db + ".fact_connector_health"
                + " WHERE check_time > now() - INTERVAL 10 MINUTE GROUP BY connector_id ORDER BY connector_id";
    }

    /** Rows ingested in the last 5 minutes and the p95 of ingest - source commit (ms). */
    public static String freshnessLast5Minutes(String db) {
        return "SELECT count(), quantile(0.95)(toInt64(ingest_ts_ms) - toInt64(source_ts_ms)) FROM " + db
                + ".fact_access_events WHERE ingest_ts_ms > (toUInt64(now()) - 300) * 1000";
    }

    // --- bench (make bench; loader's login) ---

    /** Whether one access event is there (a primary-key lookup): count() and a 0. */
    public static String accessEventPresent(String db, String tenantId, String eventId) {
        return "SELECT count(), 0 FROM " + db + ".fact_access_events WHERE tenant_id = " + literal(tenantId)
                + " AND event_id = " + literal(eventId);
    }

    public static String accessEventRows(String db) {
        return "SELECT count(), 0 FROM " + db + ".fact_access_events";
    }

    /** Distinct access events with an event time from {@code sinceMs} on. */
    public static String accessEventsSince(String db, long sinceMs) {
        return "SELECT uniqExact(event_id), 0 FROM " + since(db, sinceMs);
    }

    /** First and last time an access event with an event time from {@code sinceMs} on became visible. */
    public static String ingestRangeSince(String db, long sinceMs) {
        return "SELECT min(i), max(i) FROM (SELECT event_id, min(ingest_ts_ms) AS i FROM " + since(db, sinceMs) + " GROUP BY event_id)";
    }

    /** Rows, p50/p95/p99 and max of (first ingest - event time) for events in [fromMs, untilMs). */
    public static String freshnessBetween(String db, long fromMs, long untilMs) {
        return "SELECT count(), quantilesExact(0.5, 0.95, 0.99)(f), max(f) FROM (SELECT event_id, "
                + "toInt64(min(ingest_ts_ms)) - toInt64(any(event_time_ms)) AS f FROM " + db
                + ".fact_access_events WHERE event_time >= toDateTime(" + fromMs / 1000 + ") AND event_time_ms >= " + fromMs
                + " AND event_time_ms < " + untilMs + " GROUP BY event_id)";
    }

    private static String since(String db, long sinceMs) {
        return db + ".fact_access_events WHERE event_time >= toDateTime(" + sinceMs / 1000 + ") AND event_time_ms >= " + sinceMs;
    }

    /** A ClickHouse string literal. */
    public static String literal(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
