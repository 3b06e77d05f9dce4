package com.piam.cdc.domain;

import java.time.Instant;

/** One health check of a PACS connector: a row of cloudgate.cg_connector_health. */
public record ConnectorHealth(
        String tenantId,
        String connectorId,
        String connectorName,
        PacsType pacsType,
        String pacsVersion,
        Instant checkTime,
        String status,
        int latencyMs,
        float eventsPerMinute,
        int errorCount1h,
        Instant lastEventTime,
        String errorMessage,
        String errorCode,
        String endpointUrl,
        Instant lastSuccessfulSync) {
}
