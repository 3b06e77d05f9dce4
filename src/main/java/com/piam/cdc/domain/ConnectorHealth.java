package com.piam.cdc.domain;

import java.time.Instant;

/** One health check of a PACS connector: a row of cloudgate.cg_connector_health ({@code sourceId} is its id). */
public record ConnectorHealth(
        String tenantId,
        String connectorId,
        String connectorName,
        PacsType pacsType,
        String pacsVersion,
        Instant checkTime,
        String status,
        long latencyMs,
        float eventsPerMinute,
        long errorCount1h,
        Instant lastEventTime,
        String errorMessage,
        String errorCode,
        String endpointUrl,
        Instant lastSuccessfulSync,
        long sourceId) {

    /** cg_connector_health.id, the source's AUTO_INCREMENT key; 0 where there is none (direct mode, before the insert). */
    public static final long NO_SOURCE_ID = 0;
}
