package com.piam.cdc.capture;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;

/** The shapes of the MariaDB connector's change events for cg_access_event, as the capture tests build them. */
final class DebeziumSchemas {

    static final Schema ROW = SchemaBuilder.struct().name("cg.cloudgate.cg_access_event.Value")
            .field("event_id", Schema.STRING_SCHEMA).field("badge_id", Schema.OPTIONAL_STRING_SCHEMA).optional().build();
    static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.mariadb.Source")
            .field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA).field("file", Schema.STRING_SCHEMA)
            .field("pos", Schema.INT64_SCHEMA).field("row", Schema.INT32_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA).build();
    static final Schema ENVELOPE = SchemaBuilder.struct().name("cg.cloudgate.cg_access_event.Envelope")
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    static final Schema KEY = SchemaBuilder.struct().field("event_id", Schema.STRING_SCHEMA).build();

    private DebeziumSchemas() {
    }
}
