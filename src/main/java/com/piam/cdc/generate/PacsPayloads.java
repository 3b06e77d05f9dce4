package com.piam.cdc.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.domain.PacsType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The raw_payload JSON each PACS vendor would send for a badge scan (field names in its own style). */
final class PacsPayloads {

    /** The spec's cap on raw_payload. */
    static final int MAX_BYTES = 2048;

    private static final ObjectMapper JSON = new ObjectMapper();

    private PacsPayloads() {
    }

    static String payload(PacsType pacs, String pacsEventId, Instant time, String badgeId, String personId,
                          String siteId, String locationId, String direction, boolean granted, String denyReason,
                          String denyCode) {
        Map<String, Object> m = new LinkedHashMap<>();
        switch (pacs) {
            case LENEL -> {
                m.put("system", "OnGuard");
                m.put("serialNumber", pacsEventId);
                m.put("eventType", granted ? "Granted Access" : "Access Denied");
                m.put("cardNumber", badgeId);
                m.put("badgeholderId", personId);
                m.put("facility", siteId);
                m.put("readerName", locationId + (direction.equals("IN") ? "-entry" : "-exit"));
                m.put("timestamp", time.toString());
                if (!granted) {
                    m.put("denialReason", denyReason);
                    m.put("alarmCode", denyCode);
                }
            }
            case CCURE -> {
                m.put("system", "C-CURE 9000");
                m.put("MessageType", granted ? "CardAdmitted" : "CardRejected");
                m.put("MessageId", pacsEventId);
                m.put("Credential", Map.of("CardNumber", badgeId));
                m.put("Personnel", personId == null ? "UNKNOWN" : personId);
                m.put("Door", locationId);
                m.put("Direction", direction.equals("IN") ? "Entry" : "Exit");
                m.put("Site", siteId);
                m.put("EventTime", time.toString());
                if (!granted) {
                    m.put("RejectCode", denyCode);
                    m.put("RejectReason", denyReason);
                }
            }
            case S2 -> {
                m.put("system", "S2 NetBox");
                m.put("ACTIVITYID", pacsEventId);
                m.put("DESCNAME", granted ? "Access granted" : "Access denied");
                m.put("ENCODEDNUM", badgeId);
                m.put("PERSONID", personId == null ? "" : personId);
                m.put("PORTALNAME", locationId);
                m.put("PARTITION", siteId);
                m.put("CDT", time.toString());
                if (!granted) {
                    m.put("REASON", denyReason);
                    m.put("REASONCODE", denyCode);
                }
            }
            case GENETEC -> {
                m.put("system", "Synergis");
                m.put("EventId", pacsEventId);
                m.put("EventType", granted ? "AccessGranted" : "AccessRefused");
                m.put("Credential", badgeId);
                m.put("Cardholder", personId);
                m.put("Door", locationId);
                m.put("DoorSide", direction.equals("IN") ? "In" : "Out");
                m.put("Area", siteId);
                m.put("Timestamp", time.toString());
                if (!granted) {
                    m.put("Reason", denyReason);
                    m.put("ReasonCode", denyCode);
                }
            }
        }
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + pacs + " payload", e);
        }
    }
}
