package com.piam.cdc.load;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.PacsType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FactTableTest {

    static final Instant T = Instant.parse("2026-11-23T10:15:30.123Z");

    static Map<String, Object> row(FactTable<?> table, Object[] values) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(table.columnNames().get(i), values[i]);
        }
        return m;
    }

    @Test
    void accessEventMapsEverySpecColumnPlusMetadata() {
        AccessEvent e = new AccessEvent("e-1", "acme", T, null, "UNK-1", "acme-hq", "acme-hq-lobby", "IN", "DENY",
                "ACCESS_DENIED", "INVALID_BADGE", "LENEL-101", PacsType.LENEL, "OG-7", null, true, "TAILGATING_SUSPECTED", 0.87f);
        FactTable<AccessEvent> table = FactTable.accessEvents("piam");
        Map<String, Object> m = row(table, table.values(new Change<>(e, Change.Op.UPDATE, 1000L, 42L)));
        assertThat(m).containsEntry("event_id", "e-1").containsEntry("tenant_id", "acme")
                .containsEntry("event_time", "2026-11-23 10:15:30").containsEntry("event_time_ms", T.toEpochMilli())
                .containsEntry("person_id", null).containsEntry("badge_id", "UNK-1")
                .containsEntry("result", "DENY").containsEntry("deny_reason", "INVALID_BADGE")
                .containsEntry("pacs_source", "LENEL").containsEntry("raw_payload", "")
                .containsEntry("suspicious_flag", 1).containsEntry("suspicious_score", 0.87f)
                .containsEntry("source_ts_ms", 1000L).containsEntry("cdc_op", "u")
                .containsEntry("is_deleted", 0).containsEntry("version", 42L);
        assertThat(table.columnNames()).contains("location_id", "direction", "event_type", "deny_code", "pacs_event_id",
                "suspicious_reason", "site_id");
        assertThat(m).hasSize(table.columns().size());
    }

    @Test
    void deleteIsWrittenAsATombstoneRow() {
        ConnectorHealth h = new ConnectorHealth("acme", "lenel-primary", "Lenel Primary", PacsType.LENEL, "OnGuard",
                T, "DOWN", 9000, 12.5f, 40, null, "timed out", "E-TIMEOUT", "https://x", null, 41L);
        FactTable<ConnectorHealth> table = FactTable.connectorHealth("piam");
        Map<String, Object> m = row(table, table.values(new Change<>(h, Change.Op.DELETE, 5L, 6L)));
        assertThat(m).containsEntry("is_deleted", 1).containsEntry("cdc_op", "d")
                .containsEntry("check_time", "2026-11-23 10:15:30").containsEntry("check_time_ms", T.toEpochMilli())
                .containsEntry("last_event_time", null).containsEntry("last_successful_sync", null)
                .containsEntry("status", "DOWN").containsEntry("latency_ms", 9000L).containsEntry("source_id", 41L);
    }

    @Test
    void insertHasOnePlaceholderPerColumnAndTheBatchIngestTimeAsLiteral() {
        FactTable<AccessEvent> table = FactTable.accessEvents("piam");
        String sql = table.insertSql(1_795_000_000_123L);
        assertThat(sql).startsWith("INSERT INTO piam.fact_access_events (event_id, ").endsWith("?, 1795000000123)")
                .contains(", ingest_ts_ms) VALUES (");
        assertThat(sql.chars().filter(c -> c == '?').count()).isEqualTo(table.columns().size());
    }

    @Test
    void deletesByKeyCopyTheNewestOlderRowWithTheDeletesVersionAndQuoteKeysSafely() {
        FactTable<AccessEvent> t = FactTable.accessEvents("piam");
        String sql = t.deleteByKeySql(java.util.List.of(
                new Change<>(new com.piam.cdc.domain.DeletedKey("event_id", "e-'1\\", false), Change.Op.DELETE, 1000L, 77L)), 5000L);
        assertThat(sql).startsWith("INSERT INTO piam.fact_access_events (event_id, tenant_id,")
                .contains("transform(event_id, ['e-\\'1\\\\'], [toUInt64(77)], toUInt64(0))", "'d'", "toUInt8(1)", ", 5000 FROM (SELECT * FROM ")
                .contains("AND version < transform(", "ORDER BY version DESC LIMIT 1 BY event_id)");
        String health = FactTable.connectorHealth("piam").deleteByKeySql(java.util.List.of(
                new Change<>(new com.piam.cdc.domain.DeletedKey("source_id", "41", true), Change.Op.DELETE, 1000L, 78L)), 5000L);
        assertThat(health).contains("transform(source_id, [toUInt64(41)], [toUInt64(78)], toUInt64(0))",
                "WHERE source_id IN (toUInt64(41))", "LIMIT 1 BY source_id)");
        assertThatThrownBy(() -> FactTable.connectorHealth("piam").deleteByKeySql(java.util.List.of(
                new Change<>(new com.piam.cdc.domain.DeletedKey("source_id", "41 OR 1", true), Change.Op.DELETE, 1L, 1L)), 1))
                .isInstanceOf(NumberFormatException.class);
    }

    @Test
    void partitionIsTheMonthInUtcAsTheTablesPartitionBy() {
        assertThat(FactTable.month(java.time.Instant.parse("2026-11-30T23:59:59Z"))).isEqualTo(202611);
        assertThat(FactTable.month(java.time.Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(202612);
        assertThat(FactTable.month(java.time.Instant.parse("1970-01-01T00:00:00Z"))).isEqualTo(197001);
    }

    @Test
    void theLastMillisecondOfDateTimesLastSecondFits() {
        assertThat(FactTable.dateTimeProblem("event_time", java.time.Instant.parse("2106-02-07T06:28:15.999Z"))).isNull();
        assertThat(FactTable.dateTimeProblem("event_time", java.time.Instant.parse("1970-01-01T00:00:00Z"))).isNull();
        assertThat(FactTable.dateTimeProblem("event_time", java.time.Instant.parse("2106-02-07T06:28:16Z")))
                .startsWith("event_time 2106-02-07T06:28:16Z is after 2106-02-07 06:28:15");
        assertThat(FactTable.dateTimeProblem("event_time", java.time.Instant.parse("1969-12-31T23:59:59.999Z")))
                .startsWith("event_time 1969-12-31T23:59:59.999Z is before 1970");
    }
}
