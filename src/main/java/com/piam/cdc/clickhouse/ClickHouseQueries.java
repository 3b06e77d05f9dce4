package com.piam.cdc.clickhouse;

import com.piam.cdc.record.Versions;

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

    /**
     * Rows ingested in the last 5 minutes and the p95 of ingest - source commit (ms), then the same for the
     * last minute (what arrives now; rows replayed after an outage leave it once caught up).
     */
    // rows read by a snapshot (cdc_op 'r') carry their read time as source time, not a change's commit: left out, so
    // freshness is that of streamed changes (which a snapshot must not delay)
    public static String freshnessRecent(String db, long fromSec) {
        return "SELECT count(), quantile(0.95)(f), countIf(i > (toUInt64(now()) - 60) * 1000), quantileIf(0.95)(f, i > (toUInt64(now()) - 60) * 1000)"
                + " FROM (SELECT ingest_ts_ms AS i, toInt64(ingest_ts_ms) - toInt64(source_ts_ms) AS f FROM " + db
                + ".fact_access_events WHERE ingest_ts_ms > (toUInt64(now()) - 300) * 1000 AND cdc_op != 'r'"
                + (fromSec > 0 ? " AND source_ts_ms >= " + fromSec * 1000 : "") + ")";
    }

    // --- live view: the PIAM panels (reader's login; PREWHERE on tenant and time; live/MinuteWindow asks the
    // whole last hour every 30 s and only the last two minutes in between) ---

    /**
     * Per minute and site from {@code fromEpochS} on: distinct event_ids granted, denied and suspicious (distinct,
     * so replays do not count twice). Feeds the per-minute chart and the busiest sites. (The hourly rollup's
     * uniqExact states cost ~1.1 s to merge for an hour at 300 events/s on 18.16; this costs ~0.2 s for the hour.)
     */
    public static String liveSiteMinutes(String db, List<String> tenants, long fromEpochS) {
        return "SELECT toUInt32(toStartOfMinute(event_time)) AS m, site_id, uniqExactIf(event_id, result = 'GRANT'),"
                + " uniqExactIf(event_id, result = 'DENY'), uniqExactIf(event_id, suspicious_flag != 0)" + from(db, tenants, fromEpochS)
                + " WHERE is_deleted = 0 GROUP BY m, site_id";
    }

    /** Per minute and deny reason from {@code fromEpochS} on: distinct denied event_ids. */
    public static String liveDenyMinutes(String db, List<String> tenants, long fromEpochS) {
        return "SELECT toUInt32(toStartOfMinute(event_time)) AS m, ifNull(deny_reason, '(none given)') AS r, uniqExact(event_id)"
                + from(db, tenants, fromEpochS) + " AND result = 'DENY' WHERE is_deleted = 0 GROUP BY m, r";
    }

    /** The latest suspicious access events with an event time from {@code fromEpochS} on. */
    public static String liveSuspicious(String db, List<String> tenants, long fromEpochS) {
        return "SELECT event_time_ms, tenant_id, site_id, location_id, badge_id, ifNull(suspicious_reason, ''), suspicious_score"
                + from(db, tenants, fromEpochS) + " AND suspicious_flag != 0 WHERE is_deleted = 0 ORDER BY event_time_ms DESC LIMIT 8";
    }

    /** " FROM <fact> PREWHERE <tenants> AND <event time from>": other columns are read for that range only. */
    private static String from(String db, List<String> tenants, long fromEpochS) {
        return " FROM " + db + ".fact_access_events PREWHERE tenant_id IN (" + list(tenants) + ") AND event_time >= toDateTime("
                + fromEpochS + ")";
    }

    /** Each connector of the dimension table: its newest check's status, latency, time and events per minute. */
    public static String liveConnectors(String db, List<String> tenants) {
        return "SELECT connector_id, connector_name, toString(pacs_type), toString(status), latency_ms, check_time_ms, events_per_minute FROM "
                + db + ".rollup_connector_latest FINAL WHERE tenant_id IN (" + list(tenants) + ") AND (tenant_id, connector_id) IN "
                + "(SELECT tenant_id, connector_id FROM " + db + ".dim_connector) ORDER BY connector_id";
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

    // --- reconcile: converged rows (FINAL, deletes excluded) per one-minute window of source time (reader's login) ---

    /**
     * The access event fingerprint, column by column as text; reconcile.SourceSql writes the same columns,
     * in the same order and text form, for MySQL. A row's hash is MD5 of the columns joined by '|'.
     */
    public static final List<String[]> ACCESS_EVENT_FINGERPRINT = List.of(
            new String[] {"event_id", "event_id"},
            new String[] {"tenant_id", "tenant_id"},
            new String[] {"event_time_ms", "toString(event_time_ms)"},
            new String[] {"person_id", "ifNull(person_id, '<null>')"},
            new String[] {"badge_id", "badge_id"},
            new String[] {"site_id", "site_id"},
            new String[] {"location_id", "location_id"},
            new String[] {"direction", "toString(direction)"},
            new String[] {"result", "toString(result)"},
            new String[] {"event_type", "event_type"},
            new String[] {"deny_reason", "ifNull(deny_reason, '<null>')"},
            new String[] {"deny_code", "ifNull(deny_code, '<null>')"},
            new String[] {"pacs_source", "toString(pacs_source)"},
            new String[] {"pacs_event_id", "pacs_event_id"},
            new String[] {"raw_payload", "raw_payload"},
            new String[] {"suspicious_flag", "toString(suspicious_flag)"},
            new String[] {"suspicious_reason", "ifNull(suspicious_reason, '<null>')"},
            new String[] {"suspicious_score_milli", "toString(toInt64(round(suspicious_score * 1000)))"});

    /** The connector health fingerprint (key: the source's id, kept as source_id). */
    public static final List<String[]> HEALTH_FINGERPRINT = List.of(
            new String[] {"id", "toString(source_id)"},
            new String[] {"tenant_id", "tenant_id"},
            new String[] {"connector_id", "connector_id"},
            new String[] {"connector_name", "connector_name"},
            new String[] {"pacs_type", "toString(pacs_type)"},
            new String[] {"pacs_version", "ifNull(pacs_version, '<null>')"},
            new String[] {"check_time_ms", "toString(check_time_ms)"},
            new String[] {"status", "toString(status)"},
            new String[] {"latency_ms", "toString(latency_ms)"},
            new String[] {"events_per_minute_milli", "toString(toInt64(round(events_per_minute * 1000)))"},
            new String[] {"error_count_1h", "toString(error_count_1h)"},
            new String[] {"last_event_time_s", "ifNull(toString(toUInt32(last_event_time)), '<null>')"},
            new String[] {"error_message", "ifNull(error_message, '<null>')"},
            new String[] {"error_code", "ifNull(error_code, '<null>')"},
            new String[] {"endpoint_url", "ifNull(endpoint_url, '<null>')"},
            new String[] {"last_successful_sync_s", "ifNull(toString(toUInt32(last_successful_sync)), '<null>')"});

    /** Per window (start second): converged access events, and the sum of their row hashes (mod 2^64, as text). */
    public static String reconcileAccessEventWindows(String db, List<String> tenants, long fromSec, long toSec) {
        return windows(converged(db + ".fact_access_events", "event_id", "event_time", ACCESS_EVENT_FINGERPRINT, tenants, fromSec, toSec));
    }

    /** Each converged access event of the range: its key and row hash (hex), in key order. */
    public static String reconcileAccessEventKeys(String db, List<String> tenants, long fromSec, long toSec) {
        return keys(converged(db + ".fact_access_events", "event_id", "event_time", ACCESS_EVENT_FINGERPRINT, tenants, fromSec, toSec));
    }

    /** The fingerprint's columns of the given converged access events, key first (for naming the columns that differ). */
    public static String reconcileAccessEventColumns(String db, List<String> eventIds) {
        return newestColumns(db + ".fact_access_events", "event_id", ACCESS_EVENT_FINGERPRINT,
                eventIds.stream().map(ClickHouseQueries::literal).collect(Collectors.joining(",")));
    }

    /** Raw access event rows per slot of {@code slotSeconds} counted from {@code fromSec}: how to cut a long range into bounded queries. */
    public static String reconcileAccessEventSlots(String db, List<String> tenants, long fromSec, long toSec, long slotSeconds) {
        return slots(db + ".fact_access_events", "event_time", tenants, fromSec, toSec, slotSeconds);
    }

    public static String reconcileHealthSlots(String db, List<String> tenants, long fromSec, long toSec, long slotSeconds) {
        return slots(db + ".fact_connector_health", "check_time", tenants, fromSec, toSec, slotSeconds);
    }

    /** Reads the tenant and time columns only (PREWHERE), no per-key state: cheap on any range. */
    private static String slots(String table, String time, List<String> tenants, long fromSec, long toSec, long slotSeconds) {
        return "SELECT intDiv(toUInt32(" + time + ") - " + fromSec + ", " + slotSeconds + ") AS s, count() FROM " + table
                + " PREWHERE tenant_id IN (" + list(tenants) + ") AND " + time + " >= toDateTime(" + fromSec + ") AND " + time
                + " < toDateTime(" + toSec + ") GROUP BY s ORDER BY s";
    }

    public static String reconcileHealthWindows(String db, List<String> tenants, long fromSec, long toSec) {
        return windows(converged(db + ".fact_connector_health", "source_id", "check_time", HEALTH_FINGERPRINT, tenants, fromSec, toSec));
    }

    public static String reconcileHealthKeys(String db, List<String> tenants, long fromSec, long toSec) {
        return keys(converged(db + ".fact_connector_health", "source_id", "check_time", HEALTH_FINGERPRINT, tenants, fromSec, toSec));
    }

    public static String reconcileHealthColumns(String db, List<Long> ids) {
        return newestColumns(db + ".fact_connector_health", "source_id", HEALTH_FINGERPRINT,
                ids.stream().map(String::valueOf).collect(Collectors.joining(",")));
    }

    /** The fingerprint's columns of each key's newest captured version, deletes left out (FINAL would merge the whole table). */
    private static String newestColumns(String table, String key, List<String[]> fingerprint, String keys) {
        return "SELECT " + fingerprint.stream().map(c -> "argMax(" + c[1] + ", version)").collect(Collectors.joining(", ")) + " FROM "
                + table + " PREWHERE " + key + " IN (" + keys + ") WHERE version >= " + Versions.CDC_MIN + " GROUP BY tenant_id, " + key
                + " HAVING argMax(is_deleted, version) = 0";
    }

    private static String windows(String converged) {
        return "SELECT intDiv(toUInt32(t), 60) * 60 AS w, count(), toString(sum(reinterpretAsUInt64(reverse(substring(h, 1, 8))))) FROM "
                + converged + " GROUP BY w ORDER BY w";
    }

    /** Sorted by key (bytes), as the source's side is: the two are merged as streams. */
    private static String keys(String converged) {
        return "SELECT k, lower(hex(h)) FROM " + converged + " ORDER BY k";
    }

    /**
     * The newest version of each key whose source time lies in the range, deletes left out: what FINAL
     * shows, computed from the range's rows only. (FINAL on 18.16 merges the whole month partition,
     * payloads included, before the time condition applies: seconds instead of milliseconds.)
     * Columns: k (key as text), t (source time), h (the row's MD5). Rows direct mode wrote (versions
     * below Versions.CDC_MIN) were never in MySQL and are left out. PREWHERE: the other columns (payloads)
     * are read for the range's rows only (on 18.16 a plain WHERE read them for the whole partition).
     */
    private static String converged(String table, String key, String time, List<String[]> fingerprint, List<String> tenants,
            long fromSec, long toSec) {
        return "(SELECT toString(" + key + ") AS k, argMax(" + time + ", version) AS t, argMax(is_deleted, version) AS d, argMax(MD5("
                + joined(fingerprint) + "), version) AS h FROM " + table + " PREWHERE tenant_id IN (" + list(tenants) + ") AND " + time
                + " >= toDateTime(" + fromSec + ") AND " + time + " < toDateTime(" + toSec + ") WHERE version >= " + Versions.CDC_MIN
                + " GROUP BY tenant_id, " + key
                + ") WHERE d = 0";
    }

    private static String joined(List<String[]> fingerprint) {
        return "concat(" + fingerprint.stream().map(c -> c[1]).collect(Collectors.joining(", '|', ")) + ")";
    }

    private static String list(List<String> values) {
        return values.stream().map(ClickHouseQueries::literal).collect(Collectors.joining(","));
    }

    // --- trace (make trace; reader's login) ---

    /** Every row ClickHouse holds for one access event, replaced versions included until merged away: version, cdc_op, is_deleted, ingest time. */
    public static String traceAccessEventRows(String db, String eventId) {
        return traceRows(db + ".fact_access_events", "event_id", literal(eventId));
    }

    /** 1 when the access event's newest version is not a delete (what access_events_current shows). */
    public static String traceAccessEventShown(String db, String eventId) {
        return traceShown(db + ".fact_access_events", "event_id", literal(eventId));
    }

    public static String traceHealthRows(String db, long sourceId) {
        return traceRows(db + ".fact_connector_health", "source_id", String.valueOf(sourceId));
    }

    public static String traceHealthShown(String db, long sourceId) {
        return traceShown(db + ".fact_connector_health", "source_id", String.valueOf(sourceId));
    }

    private static String traceRows(String table, String keyColumn, String keyLiteral) {
        return "SELECT toString(version), toString(cdc_op), is_deleted, ingest_ts_ms FROM " + table + " PREWHERE " + keyColumn + " = "
                + keyLiteral + " ORDER BY version";
    }

    private static String traceShown(String table, String keyColumn, String keyLiteral) {
        return "SELECT count() FROM (SELECT argMax(is_deleted, version) AS d FROM " + table + " PREWHERE " + keyColumn + " = " + keyLiteral
                + " GROUP BY tenant_id, " + keyColumn + ") WHERE d = 0";
    }

    private static String since(String db, long sinceMs) {
        return db + ".fact_access_events WHERE event_time >= toDateTime(" + sinceMs / 1000 + ") AND event_time_ms >= " + sinceMs;
    }

    /** A ClickHouse string literal. */
    public static String literal(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
