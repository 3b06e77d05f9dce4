package io.debezium.data;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.nio.ByteBuffer;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * PIAM's stand-in for Debezium 3.4.1's {@code io.debezium.data.SchemaUtil.RecordWriter} (this class file
 * takes its place: the runtime's jar and classes come before debezium-core on every class path we start).
 * Debezium formats every captured event into a summary string for its JMX metrics (CommonEventMeter ->
 * EventFormatter -> SchemaUtil.asDetailedString), and the original writer builds a new Jackson ObjectMapper
 * per call and serializes every field name and string value through it: about 20 KB allocated per row
 * here. This writer writes the same text, quoting strings with Jackson's stateless JsonStringEncoder,
 * the upstream fix (debezium PR 7886, dbz#2492), merged but in no release up to 3.7.0.Alpha2.
 * {@code DebeziumSummaryOverrideTest} compares its output with the original's and fails when Debezium is
 * upgraded (then check whether the release has dbz#2492 and delete this file).
 */
@SuppressWarnings("checkstyle:TypeName")
class SchemaUtil$RecordWriter {

    private final StringBuilder sb = new StringBuilder();
    private boolean detailed;

    SchemaUtil$RecordWriter() {
    }

    public SchemaUtil$RecordWriter detailed(boolean detailed) {
        this.detailed = detailed;
        return this;
    }

    @Override
    public String toString() {
        return sb.toString();
    }

    public SchemaUtil$RecordWriter append(Object obj) {
        if (obj == null) {
            sb.append("null");
        } else if (obj instanceof Schema schema) {
            appendSchema(schema);
        } else if (obj instanceof Struct struct) {
            sb.append('{');
            boolean first = true;
            for (Field field : struct.schema().fields()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                appendFirst(field.name(), struct.get(field));
            }
            sb.append('}');
        } else if (obj instanceof ByteBuffer buffer) {
            append(buffer);
        } else if (obj instanceof byte[] bytes) {
            append(bytes);
        } else if (obj instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (first) {
                    appendFirst(entry.getKey().toString(), entry.getValue());
                    first = false;
                } else {
                    appendAdditional(entry.getKey().toString(), entry.getValue());
                }
            }
            sb.append('}');
        } else if (obj instanceof List<?> list) {
            sb.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                append(item);
            }
            sb.append(']');
        } else if (obj instanceof Field field) {
            sb.append('{');
            appendFirst("name", field.name());
            appendAdditional("index", field.index());
            appendAdditional("schema", field.schema());
            sb.append('}');
        } else if (obj instanceof String s) {
            sb.append('"');
            JsonStringEncoder.getInstance().quoteAsString(s, sb);
            sb.append('"');
        } else if (obj instanceof Schema.Type) {
            sb.append('"').append(obj).append('"');
        } else if (obj instanceof SourceRecord record) {
            sb.append('{');
            appendFirst("sourcePartition", record.sourcePartition());
            appendAdditional("sourceOffset", record.sourceOffset());
            appendAdditional("topic", record.topic());
            appendAdditional("kafkaPartition", record.kafkaPartition());
            if (detailed) {
                appendAdditional("keySchema", record.keySchema());
            }
            appendAdditional("key", record.key());
            if (detailed) {
                appendAdditional("valueSchema", record.valueSchema());
            }
            appendAdditional("value", record.value());
            sb.append('}');
        } else if (obj instanceof java.sql.Time time) {
            append(DateTimeFormatter.ISO_LOCAL_TIME.format(time.toLocalTime()));
        } else if (obj instanceof java.sql.Date date) {
            append(DateTimeFormatter.ISO_DATE.format(date.toLocalDate()));
        } else if (obj instanceof java.sql.Timestamp timestamp) {
            append(DateTimeFormatter.ISO_INSTANT.format(timestamp.toInstant()));
        } else if (obj instanceof java.util.Date date) {
            append(DateTimeFormatter.ISO_INSTANT.format(date.toInstant()));
        } else if (obj instanceof TemporalAccessor temporal) {
            append(DateTimeFormatter.ISO_INSTANT.format(temporal));
        } else {
            append(obj.toString());
        }
        return this;
    }

    private void appendSchema(Schema schema) {
        sb.append('{');
        if (schema.name() != null) {
            appendFirst("name", schema.name());
            appendAdditional("type", schema.type());
        } else {
            appendFirst("type", schema.type());
        }
        appendAdditional("optional", schema.isOptional());
        appendAdditional("default", schema.defaultValue());
        if (schema.doc() != null) {
            appendAdditional("doc", schema.doc());
        }
        if (schema.version() != null) {
            appendAdditional("version", schema.version());
        }
        Schema.Type type = schema.type();
        if (type == Schema.Type.STRUCT) {
            appendAdditional("fields", schema.fields());
        } else if (type == Schema.Type.MAP) {
            appendAdditional("key", schema.keySchema());
            appendAdditional("value", schema.valueSchema());
        } else if (type == Schema.Type.ARRAY) {
            appendAdditional("value", schema.valueSchema());
        }
        sb.append('}');
    }

    protected void append(ByteBuffer b) {
        append(b.array());
    }

    protected void append(byte[] b) {
        sb.append(Arrays.toString(b));
    }

    protected void appendFirst(String name, Object value) {
        append(name);
        sb.append(" : ");
        append(value);
    }

    protected void appendAdditional(String name, Object value) {
        sb.append(", ");
        append(name);
        sb.append(" : ");
        append(value);
    }
}
