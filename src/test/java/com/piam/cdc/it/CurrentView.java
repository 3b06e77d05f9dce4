package com.piam.cdc.it;

/**
 * Queries on the converged view access_events_current (ops/clickhouse-init/01_schema.sql: the fact
 * table FINAL without deleted rows) for a few rows. ClickHouse 18.16 does not push a WHERE into a
 * view, so reading the view itself merges every row of the table: seconds once the bench has left
 * millions, longer than the driver's socket timeout under load. These helpers apply the view's
 * definition with the condition inside, where the primary key (tenant_id, event_id) serves an
 * {@code event_id LIKE 'prefix%'}. CdcPipelineIT checks once that the view itself agrees.
 */
final class CurrentView {

    private CurrentView() {
    }

    /** {@code FROM <the converged access events> WHERE condition}, to follow SELECT. */
    static String accessEvents(String condition) {
        return " FROM piam.fact_access_events FINAL WHERE is_deleted = 0 AND (" + condition + ")";
    }

    /** The rows whose event_id starts with the prefix. */
    static String accessEventsWithPrefix(String prefix) {
        return accessEvents("event_id LIKE '" + prefix + "%'");
    }
}
