package com.piam.cdc.record;

/**
 * The Kafka record format shared by capture (which writes it) and consume (which reads it): what a
 * Debezium Connect with ops/debezium/connector-config.json writes (ExtractNewRecordState with
 * add.fields=op,ts_ms): the key is the JSON of the primary key columns, the value the row's columns
 * plus {@value #OP} and {@value #TS_MS} ({@value #DELETED} in Debezium's rewrite mode). Our capture
 * adds two headers; records without them (an external Connect) are versioned from the record itself.
 */
public final class RecordFormat {

    /** Debezium's operation: r (snapshot read), c, u, d. */
    public static final String OP = "__op";
    /** Debezium's envelope time (epoch ms). */
    public static final String TS_MS = "__ts_ms";
    /** "true" on a delete in Debezium's rewrite mode. */
    public static final String DELETED = "__deleted";

    /** Header: the change's version (binlog coordinates packed by {@link Versions#binlog}), set by capture-changes. */
    public static final String VERSION_HEADER = "piam_version";
    /** Header: the source commit time (epoch ms), set by capture-changes. */
    public static final String SOURCE_TS_HEADER = "piam_source_ts_ms";

    /** Dead-letter topic of a change topic: {@code <topic>.dlq}. */
    public static final String DLQ_SUFFIX = ".dlq";
    /** Header on a dead-letter record: why it was set aside. */
    public static final String DLQ_REASON_HEADER = "piam_dlq_reason";
    /** Header on a dead-letter record: where it came from, topic/partition/offset. */
    public static final String DLQ_SOURCE_HEADER = "piam_dlq_source";
    /** Header on a dead-letter record: the stage that set it aside (consume: unreadable; load: refused by ClickHouse). */
    public static final String DLQ_STAGE_HEADER = "piam_dlq_stage";

    private RecordFormat() {
    }

    public static String deadLetterTopic(String topic) {
        return topic + DLQ_SUFFIX;
    }
}
