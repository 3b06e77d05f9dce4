package com.piam.cdc.consume;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.PacsType;
import com.piam.cdc.record.BadRecordException;
import com.piam.cdc.record.ChangeParser;
import com.piam.cdc.record.Versions;
import com.piam.cdc.record.FlatRow;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChangeMappingTest {

    private static final ChangeMapping.RecordMeta NO_HEADERS = new ChangeMapping.RecordMeta(null, null, 1795420706100L, 42);

    private static FlatRow parse(String value) throws BadRecordException {
        return new FlatRow().read(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }


    /** What Debezium Connect writes with the spec's connector-config.json (ExtractNewRecordState, op+ts_ms, no schemas). */
    static final String CONNECT_ACCESS_EVENT = """
            {"event_id":"7d1f0c3e-3f7a-4c53-9d7e-0b5e1c2a9f10","tenant_id":"acme","event_time":1795420705517,
             "person_id":null,"badge_id":"UNK-123456","site_id":"acme-hq","location_id":"acme-hq-lobby","direction":"IN",
             "result":"DENY","event_type":"ACCESS_DENIED","deny_reason":"INVALID_BADGE","deny_code":"LENEL-101",
             "pacs_source":"LENEL","pacs_event_id":"OG-42","raw_payload":"{\\"system\\":\\"OnGuard\\"}",
             "suspicious_flag":1,"suspicious_reason":"TAILGATING_SUSPECTED","suspicious_score":0.87,
             "processed_at":1795420705600,"__op":"c","__ts_ms":1795420706000}""";

    static final String CONNECT_HEALTH = """
            {"id":41,"tenant_id":"buildright","connector_id":"s2-building-b","connector_name":"S2 Building B",
             "pacs_type":"S2","pacs_version":"S2 NetBox 6.2","check_time":1795420700000,"status":"DOWN","latency_ms":26382,
             "events_per_minute":138.9,"error_count_1h":77,"last_event_time":null,"error_message":"timed out",
             "error_code":"E-TIMEOUT","endpoint_url":"https://netbox","last_successful_sync":1795420690000,
             "__op":"u","__ts_ms":1795420701000}""";

    @Test
    void theSuspiciousFlagKeepsEveryValueAUInt8HoldsAndRefusesNegativeOnes() throws Exception {
        assertThat(ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT.replace("\"suspicious_flag\":1", "\"suspicious_flag\":127")),
                NO_HEADERS).row().suspiciousFlag()).as("TINYINT's largest, not 1").isEqualTo(127);
        assertThat(ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT.replace("\"suspicious_flag\":1", "\"suspicious_flag\":null")),
                NO_HEADERS).row().suspiciousFlag()).as("NULL: the column's default").isZero();
        assertThatThrownBy(() -> ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT.replace("\"suspicious_flag\":1",
                "\"suspicious_flag\":-128")), NO_HEADERS)).isInstanceOf(BadRecordException.class)
                .hasMessage("suspicious_flag=-128 is out of range (a whole number from 0 to 255: ClickHouse UInt8 holds no negative flag)");
    }

    @Test
    void connectShapedAccessEventMapsEveryColumn() throws Exception {
        Change<AccessEvent> c = ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT), NO_HEADERS);
        AccessEvent e = c.row();
        assertThat(e.eventId()).isEqualTo("7d1f0c3e-3f7a-4c53-9d7e-0b5e1c2a9f10");
        assertThat(e.eventTime()).isEqualTo(Instant.ofEpochMilli(1795420705517L));
        assertThat(e.personId()).isNull();
        assertThat(e.result()).isEqualTo("DENY");
        assertThat(e.denyReason()).isEqualTo("INVALID_BADGE");
        assertThat(e.pacsSource()).isEqualTo(PacsType.LENEL);
        assertThat(e.rawPayload()).isEqualTo("{\"system\":\"OnGuard\"}");
        assertThat(e.suspicious()).isTrue();
        assertThat(e.suspiciousScore()).isEqualTo(0.87f);
        assertThat(c.op()).isEqualTo(Change.Op.CREATE);
        // no capture headers: version from the Kafka record's timestamp and offset, source time = __ts_ms
        assertThat(c.version()).isEqualTo(Versions.ofRecord(1795420706100L, 42));
        assertThat(c.sourceTsMs()).isEqualTo(1795420706000L);
    }

    @Test
    void captureHeadersGiveTheVersionAndCommitTime() throws Exception {
        Change<AccessEvent> c = ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT),
                new ChangeMapping.RecordMeta("2000624508000", "1795420705000", 1795420706100L, 42));
        assertThat(c.version()).isEqualTo(2000624508000L);
        assertThat(c.sourceTsMs()).isEqualTo(1795420705000L);
    }

    @Test
    void connectShapedHealthRowMapsEveryColumn() throws Exception {
        Change<ConnectorHealth> c = ChangeMapping.connectorHealth(parse(CONNECT_HEALTH), NO_HEADERS);
        ConnectorHealth h = c.row();
        assertThat(h.connectorId()).isEqualTo("s2-building-b");
        assertThat(h.status()).isEqualTo("DOWN");
        assertThat(h.latencyMs()).isEqualTo(26382);
        assertThat(h.eventsPerMinute()).isEqualTo(138.9f);
        assertThat(h.lastEventTime()).isNull();
        assertThat(h.lastSuccessfulSync()).isEqualTo(Instant.ofEpochMilli(1795420690000L));
        assertThat(c.op()).isEqualTo(Change.Op.UPDATE);
    }

    @Test
    void schemaEnvelopeFromAConverterWithSchemasIsUnwrapped() throws Exception {
        String wrapped = "{\"schema\":{\"type\":\"struct\"},\"payload\":" + CONNECT_HEALTH + "}";
        assertThat(ChangeMapping.connectorHealth(parse(wrapped), NO_HEADERS).row().tenantId())
                .isEqualTo("buildright");
    }

    @Test
    void deletesInBothDebeziumFormsBecomeDeletes() throws Exception {
        String opD = CONNECT_HEALTH.replace("\"__op\":\"u\"", "\"__op\":\"d\"");
        String rewrite = CONNECT_HEALTH.replace("\"__op\":\"u\"", "\"__op\":\"u\",\"__deleted\":\"true\"");
        assertThat(ChangeMapping.connectorHealth(parse(opD), NO_HEADERS).deleted()).isTrue();
        assertThat(ChangeMapping.connectorHealth(parse(rewrite), NO_HEADERS).deleted()).isTrue();
    }

    @Test
    void tombstoneHasNoRow() throws Exception {
        assertThat(parse(null)).isNull();
        assertThat(parse("")).isNull();
        assertThat(parse("  \n")).isNull();
        assertThat(parse("{\"schema\":{\"type\":\"struct\"},\"payload\":null}")).as("a tombstone through a converter with schemas").isNull();
    }

    @Test
    void bytesThatAreNotUtf8AreRefusedWithAReason() {
        byte[] latin1 = "{\"event_id\":\"Zo\u00eb\"}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ChangeParser.row(latin1))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("not valid JSON").hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> new FlatRow().read(latin1))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("not valid JSON").hasMessageContaining("UTF-8");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1,2]", "{\"__op\":\"c\"}", "{\"event_id\":\"x\"}"})
    void malformedRecordsAreRefusedWithAReason(String value) {
        assertThatThrownBy(() -> ChangeMapping.accessEvent(parse(value), NO_HEADERS))
                .isInstanceOf(BadRecordException.class)
                .hasMessageMatching(".*(not valid JSON|not a JSON object|is missing).*");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> ChangeMapping.accessEvent(
                parse(CONNECT_ACCESS_EVENT.replace("\"LENEL\"", "\"HONEYWELL\"")), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessage("pacs_source='HONEYWELL' (expected LENEL, CCURE, S2 or GENETEC)");
        assertThatThrownBy(() -> ChangeMapping.accessEvent(
                parse(CONNECT_ACCESS_EVENT.replace("\"__op\":\"c\"", "\"__op\":\"x\"")), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessage("__op='x' (expected r, c, u or d)");
        assertThatThrownBy(() -> ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT),
                new ChangeMapping.RecordMeta("abc", null, 1L, 0)))
                .isInstanceOf(BadRecordException.class).hasMessage("header piam_version='abc' is not a number");
    }

    @Test
    void valuesThatDoNotFitTheSourceColumnAreNamed() {
        assertThatThrownBy(() -> ChangeMapping.connectorHealth(parse(CONNECT_HEALTH.replace("\"latency_ms\":26382", "\"latency_ms\":-5")), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessage("latency_ms=-5 is out of range (a whole number from 0 to 4294967295)");
        assertThatThrownBy(() -> ChangeMapping.connectorHealth(parse(CONNECT_HEALTH.replace("\"error_count_1h\":77", "\"error_count_1h\":\"NaN\"")), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessage("error_count_1h=NaN is not a finite number");
        assertThatThrownBy(() -> ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT.replace("\"badge_id\":\"UNK-123456\"", "\"badge_id\":{\"a\":1}")), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessage("badge_id is not a plain value");
        assertThatThrownBy(() -> ChangeMapping.accessEvent(parse(CONNECT_ACCESS_EVENT.replace("\"suspicious_score\":0.87", "\"suspicious_score\":\"high\"")), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessage("suspicious_score='high' is not a number");
    }

    @Test
    void aTombstoneOfAnAccessEventIsADeleteByKeyVersionedByTheRecord() throws Exception {
        for (String key : new String[] {"{\"event_id\":\"e-9\"}",
                "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"event_id\":\"e-9\"}}"}) {
            Change<com.piam.cdc.domain.DeletedKey> d = ChangeMapping.accessEventDeleted(FlatRow.key(key), NO_HEADERS);
            assertThat(d.row()).isEqualTo(new com.piam.cdc.domain.DeletedKey("event_id", "e-9", false));
            assertThat(d.deleted()).isTrue();
            assertThat(d.version()).isEqualTo(Versions.ofRecord(1795420706100L, 42));
        }
        assertThat(ChangeMapping.accessEventDeleted(FlatRow.key(null), NO_HEADERS)).as("no key: nothing to delete").isNull();
        assertThatThrownBy(() -> ChangeMapping.accessEventDeleted(FlatRow.key("e-9"), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("key e-9 is not valid JSON");
    }

    @Test
    void aTombstoneOfAHealthRowIsADeleteByItsSourceId() throws Exception {
        Change<com.piam.cdc.domain.DeletedKey> d = ChangeMapping.connectorHealthDeleted(FlatRow.key("{\"id\":41}"), NO_HEADERS);
        assertThat(d.row()).isEqualTo(new com.piam.cdc.domain.DeletedKey("source_id", "41", true));
        assertThatThrownBy(() -> ChangeMapping.connectorHealthDeleted(FlatRow.key("{\"id\":\"41 OR 1=1\"}"), NO_HEADERS))
                .isInstanceOf(BadRecordException.class).hasMessageContaining("is not a positive whole number");
        assertThat(ChangeMapping.connectorHealth(parse(CONNECT_HEALTH), NO_HEADERS).row().sourceId()).isEqualTo(41L);
    }

    @Test
    void theJsonNullAConverterWritesForANullValueIsATombstone() throws Exception {
        assertThat(parse("null")).isNull();
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(BadRecordException.class).hasMessage("value is not a JSON object (array)");
        assertThatThrownBy(() -> parse("42")).isInstanceOf(BadRecordException.class).hasMessage("value is not a JSON object (number)");
    }
}
