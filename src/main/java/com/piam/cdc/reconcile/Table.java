package com.piam.cdc.reconcile;

/** A source table and the fact table it feeds, with the key and the source time that windows are cut by. */
public enum Table {
    ACCESS_EVENTS("cg_access_event", "event_id", "event_time", "access events"),
    CONNECTOR_HEALTH("cg_connector_health", "id", "check_time", "health checks");

    final String source;
    final String sourceKey;
    final String sourceTime;
    /** How a report names its rows. */
    public final String rows;

    Table(String source, String sourceKey, String sourceTime, String rows) {
        this.source = source;
        this.sourceKey = sourceKey;
        this.sourceTime = sourceTime;
        this.rows = rows;
    }
}
