package com.piam.cdc.domain;

import java.time.Instant;

/** One badge scan: a row of cloudgate.cg_access_event (and of piam.fact_access_events). */
public record AccessEvent(
        String eventId,
        String tenantId,
        Instant eventTime,
        String personId,
        String badgeId,
        String siteId,
        String locationId,
        String direction,
        String result,
        String eventType,
        String denyReason,
        String denyCode,
        PacsType pacsSource,
        String pacsEventId,
        String rawPayload,
        boolean suspicious,
        String suspiciousReason,
        float suspiciousScore) {

    public boolean granted() {
        return "GRANT".equals(result);
    }
}
