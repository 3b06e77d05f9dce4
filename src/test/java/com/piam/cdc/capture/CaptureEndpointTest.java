package com.piam.cdc.capture;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.debezium.DebeziumEndpoint;
import org.apache.camel.component.debezium.mysql.DebeziumMySqlComponent;
import org.apache.camel.component.debezium.mysql.DebeziumMySqlEndpoint;
import org.apache.camel.component.debezium.mysql.configuration.MySqlConnectorEmbeddedDebeziumConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * CaptureEndpoint hands a row change on as Debezium's record itself (no headers), without looking up a field the
 * event lacks, and makes the same exchange as camel-debezium-mysql's own endpoint for every other kind of event.
 * If a camel-debezium upgrade changes those, the comparison fails and CaptureEndpoint must follow.
 */
class CaptureEndpointTest {

    private static final Schema ROW = DebeziumSchemas.ROW;
    private static final Schema SOURCE = DebeziumSchemas.SOURCE;
    private static final Schema ENVELOPE = DebeziumSchemas.ENVELOPE;
    private static final Schema KEY = DebeziumSchemas.KEY;

    private CamelContext context;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aRowChangeIsDebeziumsRecordItselfWithoutHeaders() {
        for (String op : new String[] {"c", "u", "d", "r"}) {
            SourceRecord record = record(envelope(op, row("e-1", "B-1"), "d".equals(op) ? null : row("e-1", null)), "e-1");
            Exchange e = ours().createDbzExchange(null, record);
            assertThat(e.getIn().getBody()).as(op).isSameAs(record);
            assertThat(e.getIn().hasHeaders()).as(op).isFalse();
        }
    }

    @Test
    void heartbeatsTombstonesAndSchemaChangesAsWell() {
        Schema heartbeatSchema = SchemaBuilder.struct().name("io.debezium.connector.common.Heartbeat").field("ts_ms", Schema.INT64_SCHEMA).build();
        same(new SourceRecord(Map.of(), Map.of(), "__debezium-heartbeat.cg", null, null, heartbeatSchema,
                new Struct(heartbeatSchema).put("ts_ms", 1_700_000_000_000L)));
        same(new SourceRecord(Map.of(), Map.of(), "cg.cloudgate.cg_access_event", KEY, new Struct(KEY).put("event_id", "e-1"), null, null));
        Schema change = SchemaBuilder.struct().name("io.debezium.connector.mariadb.SchemaChangeValue").field("source", SOURCE)
                .field("ts_ms", Schema.INT64_SCHEMA).field("databaseName", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ddl", Schema.OPTIONAL_STRING_SCHEMA).build();
        same(new SourceRecord(Map.of(), Map.of(), "cg", null, null, change, new Struct(change).put("source", source())
                .put("ts_ms", 1_700_000_000_000L).put("databaseName", "cloudgate").put("ddl", "ALTER TABLE cg_access_event ADD x INT")));
    }

    @Test
    void aRowChangeIsReadWithoutAskingForAFieldItLacks() {
        Struct strict = new Struct(ENVELOPE) {
            @Override
            public Object get(String fieldName) {
                assertThat(schema().field(fieldName)).as("field %s asked of a row change", fieldName).isNotNull();
                return super.get(fieldName);
            }
        };
        strict.put("op", "c").put("after", row("e-3", "B-3")).put("source", source()).put("ts_ms", 1_700_000_000_123L);
        Exchange e = ours().createDbzExchange(null, record(strict, "e-3"));
        new ChangeEventEncoder(new CaptureLiveness(), "cg").process(e);
        assertThat(e.getIn().getBody(ProducerRecord.class).topic()).isEqualTo("cg.cloudgate.cg_access_event");
        // the stock endpoint asks for "ddl" (and catches Kafka Connect's DataException): what this class avoids
        assertThatThrownBy(() -> stock().createDbzExchange(null, record(strict, "e-3"))).hasMessageContaining("field ddl");
    }

    @Test
    void theComponentBindsTheCaptureRoutesOptionsOntoTheConfiguration() throws Exception {
        context.addComponent(CaptureComponent.SCHEME, new CaptureComponent());
        CaptureEndpoint endpoint = (CaptureEndpoint) context.getEndpoint(CaptureComponent.SCHEME + ":cloudgate-capture?databaseHostname=127.0.0.1"
                + "&databasePort=3306&databaseUser=debezium&databasePassword=RAW(p&w)d)&databaseServerId=184054&topicPrefix=cg"
                + "&databaseIncludeList=cloudgate&tableIncludeList=cloudgate.cg_access_event&offsetStorageFileName=/tmp/o.dat"
                + "&maxQueueSize=2048&offsetFlushIntervalMs=1000&additionalProperties.connector.class=io.debezium.connector.mariadb.MariaDbConnector");
        MySqlConnectorEmbeddedDebeziumConfiguration c = endpoint.getConfiguration();
        assertThat(c.getName()).isEqualTo("cloudgate-capture");
        assertThat(c.getDatabaseHostname()).isEqualTo("127.0.0.1");
        assertThat(c.getDatabasePort()).isEqualTo(3306);
        assertThat(c.getDatabasePassword()).isEqualTo("p&w)d");
        assertThat(c.getMaxQueueSize()).isEqualTo(2048);
        assertThat(c.getOffsetFlushIntervalMs()).isEqualTo(1000L);
        assertThat(c.getAdditionalProperties()).containsEntry("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        assertThatThrownBy(() -> context.getEndpoint(CaptureComponent.SCHEME + ":x?databaseHostname=h&noSuchOption=1"))
                .hasStackTraceContaining("noSuchOption");
    }

    private void same(SourceRecord record) {
        Exchange expected = stock().createDbzExchange(null, record);
        Exchange actual = ours().createDbzExchange(null, record);
        assertThat(actual.getIn().getHeaders()).isEqualTo(expected.getIn().getHeaders());
        assertThat(actual.getIn().getBody()).isEqualTo(expected.getIn().getBody());
    }

    private DebeziumEndpoint<MySqlConnectorEmbeddedDebeziumConfiguration> stock() {
        DebeziumMySqlComponent component = new DebeziumMySqlComponent(context);
        return new DebeziumMySqlEndpoint("debezium-mysql:x", component, new MySqlConnectorEmbeddedDebeziumConfiguration());
    }

    private CaptureEndpoint ours() {
        CaptureComponent component = new CaptureComponent();
        component.setCamelContext(context);
        return new CaptureEndpoint("debezium-mysql:x", component, new MySqlConnectorEmbeddedDebeziumConfiguration());
    }

    private static Struct row(String id, String badge) {
        return new Struct(ROW).put("event_id", id).put("badge_id", badge);
    }

    private static Struct source() {
        return new Struct(SOURCE).put("db", "cloudgate").put("table", "cg_access_event").put("file", "mariadb-bin.000001")
                .put("pos", 4242L).put("row", 0).put("ts_ms", 1_700_000_000_000L);
    }

    private static Struct envelope(String op, Struct before, Struct after) {
        return new Struct(ENVELOPE).put("op", op).put("before", before).put("after", after).put("source", source())
                .put("ts_ms", 1_700_000_000_123L);
    }

    private static SourceRecord record(Struct value, String key) {
        return new SourceRecord(Map.of("server", "cg"), Map.of("pos", 4242L), "cg.cloudgate.cg_access_event", KEY,
                new Struct(KEY).put("event_id", key), value.schema(), value);
    }
}
