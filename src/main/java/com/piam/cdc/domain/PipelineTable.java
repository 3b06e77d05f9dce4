package com.piam.cdc.domain;

import java.util.List;

/**
 * The tables the pipeline carries and what every stage knows of each: the source table with its key and time
 * columns and the columns the mapping reads, the Kafka topic (and so its dead-letter topic), the routes and the
 * load buffer, the ClickHouse fact table and its current view. Capture, consume, load, reconcile, trace and the
 * verifier all take these from here; adding a table starts here, adding a column here and in the mapping
 * (consume/ChangeMapping) and the fact columns (load/FactTable).
 */
public enum PipelineTable {

    ACCESS_EVENTS("cg_access_event", "event_id", "event_time", "access-events", "fact_access_events", "access_events_current",
            "access events",
            List.of("event_id", "tenant_id", "event_time", "badge_id", "site_id", "location_id", "direction", "result",
                    "event_type", "pacs_source", "pacs_event_id"),
            List.of("person_id", "deny_reason", "deny_code", "raw_payload", "suspicious_flag", "suspicious_reason",
                    "suspicious_score")),
    CONNECTOR_HEALTH("cg_connector_health", "id", "check_time", "connector-health", "fact_connector_health",
            "connector_health_current", "health checks",
            List.of("tenant_id", "connector_id", "connector_name", "pacs_type", "check_time", "status", "latency_ms"),
            List.of("pacs_version", "events_per_minute", "error_count_1h", "last_event_time", "error_message", "error_code",
                    "endpoint_url", "last_successful_sync"));

    /** The source table in MySQL/MariaDB. */
    public final String source;
    /** Its primary key column. */
    public final String sourceKey;
    /** The column the row's source time is in (reconciliation cuts windows by it). */
    public final String sourceTime;
    /** The routes' and buffer's name: consume-&lt;name&gt;, load-&lt;name&gt;, seda:&lt;name&gt;. */
    public final String name;
    /** The ClickHouse fact table, without the database. */
    public final String fact;
    /** The ClickHouse view of the current rows, without the database. */
    public final String view;
    /** How a report names its rows. */
    public final String rows;
    /** The source columns the mapping reads and a record must have (else it is set aside). */
    public final List<String> requiredColumns;
    /** The source columns the mapping reads when present. */
    public final List<String> optionalColumns;

    PipelineTable(String source, String sourceKey, String sourceTime, String name, String fact, String view, String rows,
            List<String> requiredColumns, List<String> optionalColumns) {
        this.source = source;
        this.sourceKey = sourceKey;
        this.sourceTime = sourceTime;
        this.name = name;
        this.fact = fact;
        this.view = view;
        this.rows = rows;
        this.requiredColumns = requiredColumns;
        this.optionalColumns = optionalColumns;
    }

    /** Debezium's topic naming: {@code <topic prefix>.<database>.<table>}. */
    public String topic(String topicPrefix, String database) {
        return topicPrefix + "." + database + "." + source;
    }

    public String consumeRoute() {
        return "consume-" + name;
    }

    public String loadRoute() {
        return "load-" + name;
    }

    /** The load route's buffer (a seda queue), without options. */
    public String buffer() {
        return "seda:" + name;
    }
}
