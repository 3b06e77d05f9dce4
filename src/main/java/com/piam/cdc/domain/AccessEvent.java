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
        int suspiciousFlag,
        String suspiciousReason,
        float suspiciousScore) {

    /** With the suspicious flag as true (1) or false (0), as the generator makes it. */
    public AccessEvent(String eventId, String tenantId, Instant eventTime, String personId, String badgeId, String siteId,
            String locationId, String direction, String result, String eventType, String denyReason, String denyCode,
            PacsType pacsSource, String pacsEventId, String rawPayload, boolean suspicious, String suspiciousReason,
            float suspiciousScore) {
        this(eventId, tenantId, eventTime, personId, badgeId, siteId, locationId, direction, result, eventType, denyReason,
                denyCode, pacsSource, pacsEventId, rawPayload, suspicious ? 1 : 0, suspiciousReason, suspiciousScore);
    }

    /** The source's TINYINT flag (0..255 here: ClickHouse's UInt8) says suspicious when not 0. */
    public boolean suspicious() {
        return suspiciousFlag != 0;
    }

    public boolean granted() {
        return "GRANT".equals(result);
    }
}
