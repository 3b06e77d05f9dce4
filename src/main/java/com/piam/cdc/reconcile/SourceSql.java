package com.piam.cdc.reconcile;

import com.piam.cdc.domain.PipelineTable;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The source side of the reconciliation, for MySQL/MariaDB: the same fingerprint columns, in the same
 * order and text form, as ClickHouseQueries.ACCESS_EVENT_FINGERPRINT / HEALTH_FINGERPRINT (a test holds
 * the names side by side), so one row hashes alike on both. Ranges use the tables' (tenant, time)
 * indexes; times are compared as UTC literals, whatever the session's time zone.
 */
final class SourceSql {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String EPOCH = "'1970-01-01 00:00:00'";

    static final List<String[]> ACCESS_EVENT_FINGERPRINT = List.of(
            new String[] {"event_id", "event_id"},
            new String[] {"tenant_id", "tenant_id"},
            new String[] {"event_time_ms", "TIMESTAMPDIFF(MICROSECOND, " + EPOCH + ", event_time) DIV 1000"},
            new String[] {"person_id", "IFNULL(person_id, '<null>')"},
            new String[] {"badge_id", "badge_id"},
            new String[] {"site_id", "site_id"},
            new String[] {"location_id", "location_id"},
            new String[] {"direction", "direction"},
            new String[] {"result", "result"},
            new String[] {"event_type", "event_type"},
            new String[] {"deny_reason", "IFNULL(deny_reason, '<null>')"},
            new String[] {"deny_code", "IFNULL(deny_code, '<null>')"},
            new String[] {"pacs_source", "pacs_source"},
            new String[] {"pacs_event_id", "pacs_event_id"},
            new String[] {"raw_payload", "IFNULL(raw_payload, '')"},
            new String[] {"suspicious_flag", "IFNULL(suspicious_flag, 0)"},
            new String[] {"suspicious_reason", "IFNULL(suspicious_reason, '<null>')"},
            new String[] {"suspicious_score_milli", "CAST(ROUND(IFNULL(suspicious_score, 0) * 1000) AS SIGNED)"});

    static final List<String[]> HEALTH_FINGERPRINT = List.of(
            new String[] {"id", "id"},
            new String[] {"tenant_id", "tenant_id"},
            new String[] {"connector_id", "connector_id"},
            new String[] {"connector_name", "connector_name"},
            new String[] {"pacs_type", "pacs_type"},
            new String[] {"pacs_version", "IFNULL(pacs_version, '<null>')"},
            new String[] {"check_time_ms", "TIMESTAMPDIFF(MICROSECOND, " + EPOCH + ", check_time) DIV 1000"},
            new String[] {"status", "status"},
            new String[] {"latency_ms", "latency_ms"},
            new String[] {"events_per_minute_milli", "CAST(ROUND(events_per_minute * 1000) AS SIGNED)"},
            new String[] {"error_count_1h", "IFNULL(error_count_1h, 0)"},
            new String[] {"last_event_time_s", "IFNULL(TIMESTAMPDIFF(SECOND, " + EPOCH + ", last_event_time), '<null>')"},
            new String[] {"error_message", "IFNULL(error_message, '<null>')"},
            new String[] {"error_code", "IFNULL(error_code, '<null>')"},
            new String[] {"endpoint_url", "IFNULL(endpoint_url, '<null>')"},
            new String[] {"last_successful_sync_s", "IFNULL(TIMESTAMPDIFF(SECOND, " + EPOCH + ", last_successful_sync), '<null>')"});

    private SourceSql() {
    }

    /** Per window (start second): rows, and the sum of their row hashes (exact, as text). */
    static String windows(PipelineTable t, List<String> tenants, long fromSec, long toSec) {
        return "SELECT TIMESTAMPDIFF(SECOND, " + EPOCH + ", " + t.sourceTime + ") DIV 60 * 60 AS w, COUNT(*), "
                + "CAST(SUM(CAST(CONV(LEFT(MD5(" + joined(t) + "), 16), 16, 10) AS UNSIGNED)) AS CHAR) FROM " + t.source
                + range(t, tenants, fromSec, toSec) + " GROUP BY w ORDER BY w";
    }

    /** Each row's key (as text) and MD5, sorted by the key's bytes as ClickHouse sorts strings (not by the table's collation). */
    static String keys(PipelineTable t, List<String> tenants, long fromSec, long toSec) {
        return "SELECT CAST(" + t.sourceKey + " AS CHAR), MD5(" + joined(t) + ") FROM " + t.source + range(t, tenants, fromSec, toSec)
                + " ORDER BY CAST(" + t.sourceKey + " AS BINARY)";
    }

    static String columns(PipelineTable t, List<String> keys) {
        return "SELECT " + fingerprint(t).stream().map(c -> c[1]).collect(Collectors.joining(", ")) + " FROM " + t.source
                + " WHERE " + t.sourceKey + " IN (" + keys.stream().map(SourceSql::literal).collect(Collectors.joining(",")) + ")";
    }

    static List<String[]> fingerprint(PipelineTable t) {
        return t == PipelineTable.ACCESS_EVENTS ? ACCESS_EVENT_FINGERPRINT : HEALTH_FINGERPRINT;
    }

    private static String joined(PipelineTable t) {
        return "CONCAT_WS('|', " + fingerprint(t).stream().map(c -> c[1]).collect(Collectors.joining(", ")) + ")";
    }

    private static String range(PipelineTable t, List<String> tenants, long fromSec, long toSec) {
        return " WHERE tenant_id IN (" + tenants.stream().map(SourceSql::literal).collect(Collectors.joining(",")) + ") AND "
                + t.sourceTime + " >= '" + UTC.format(Instant.ofEpochSecond(fromSec)) + "' AND " + t.sourceTime + " < '"
                + UTC.format(Instant.ofEpochSecond(toSec)) + "'";
    }

    private static String literal(String v) {
        return "'" + v.replace("\\", "\\\\").replace("'", "''") + "'";
    }
}
