package com.piam.cdc.consume;

import com.piam.cdc.Retry;
import com.piam.cdc.consume.ChangeMapping.RecordMeta;
import com.piam.cdc.domain.Change;
import com.piam.cdc.load.RowsSetAside;
import com.piam.cdc.record.BadRecordException;
import com.piam.cdc.record.FlatRow;
import com.piam.cdc.record.RecordFormat;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BooleanSupplier;

/**
 * The consume routes' step from a Kafka record to a {@link Change} for the loader, which carries a
 * {@link KafkaDelivery} so the loader can settle it. A record that cannot be read or mapped is set
 * aside on {@code <topic>.dlq} with the reason, here and now; if Kafka does not take it, this step
 * retries (the partition waits, visibly: the verifier names it) and never skips it. A tombstone
 * (a delete that carries only its key) becomes a delete by key, which the loader applies.
 */
final class RecordIntake implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RecordIntake.class);

    @FunctionalInterface
    interface Mapper {
        Change<?> map(FlatRow row, RecordMeta meta) throws BadRecordException;
    }

    /** A tombstone's key columns to a delete by key; null when there is nothing to delete. */
    @FunctionalInterface
    interface KeyDeleteMapper {
        Change<?> map(FlatRow key, RecordMeta meta) throws BadRecordException;
    }

    private final String table;
    private final SourceColumns columns;
    private final Mapper mapper;
    private final KeyDeleteMapper keyDelete;
    private final OffsetCommitListener commits;
    private final DeadLetterWriter deadLetters;
    private final RowsSetAside setAside;
    private final Retry retry;
    /** The consume thread's row, read record after record into the same arrays (no JSON tree per record). */
    private final ThreadLocal<FlatRow> rows = ThreadLocal.withInitial(FlatRow::new);

    RecordIntake(String table, SourceColumns columns, Mapper mapper, KeyDeleteMapper keyDelete, OffsetCommitListener commits,
            DeadLetterWriter deadLetters, RowsSetAside setAside, BooleanSupplier stopping, long maxBackoffMs) {
        this.table = table;
        this.columns = columns;
        this.mapper = mapper;
        this.keyDelete = keyDelete;
        this.commits = commits;
        this.deadLetters = deadLetters;
        this.setAside = setAside;
        this.retry = new Retry(LOG, 500, maxBackoffMs, stopping);
    }

    @Override
    public void process(Exchange exchange) {
        if (exchange.getProperty(OffsetCommitListener.REDELIVERED, false, Boolean.class)
                || exchange.getProperty(OffsetCommitListener.HELD_BACK, false, Boolean.class)) {
            // read again while its first copy is held here, or after a record held back: see OffsetCommitListener
            exchange.setRouteStop(true);
            return;
        }
        Message in = exchange.getMessage();
        TopicPartition partition = new TopicPartition(in.getHeader(KafkaConstants.TOPIC, String.class),
                in.getHeader(KafkaConstants.PARTITION, Integer.class));
        long offset = in.getHeader(KafkaConstants.OFFSET, Long.class);
        Long timestamp = in.getHeader(KafkaConstants.TIMESTAMP, Long.class);
        byte[] value = in.getBody(byte[].class);
        String key = in.getHeader(KafkaConstants.KEY, String.class);
        // the record's own headers, as Kafka gives them (not copied into Camel headers: RecordHeaders)
        Headers headers = in.getHeader(KafkaConstants.HEADERS, Headers.class);
        // nothing after this step reads a header: the hand-over to the load route copies an empty map
        in.getHeaders().clear();
        KafkaDelivery delivery = new KafkaDelivery(commits, deadLetters, partition, offset, key, value, headers);
        try {
            FlatRow row = rows.get().read(value);
            if (row != null) {
                columns.observe(row);
            }
            RecordMeta meta = new RecordMeta(RecordHeaders.text(headers, RecordFormat.VERSION_HEADER),
                    RecordHeaders.text(headers, RecordFormat.SOURCE_TS_HEADER), timestamp == null ? 0 : timestamp, offset);
            Change<?> change = row != null ? mapper.map(row, meta) : keyDelete.map(FlatRow.key(key), meta);
            if (change == null) { // a tombstone without a key: nothing to load
                delivery.skip();
                exchange.setRouteStop(true);
                return;
            }
            in.setBody(change.deliveredBy(delivery));
        } catch (BadRecordException | RuntimeException e) {
            // an unexpected failure of the mapping (a value it did not foresee) sets the record aside as well
            String reason = e instanceof BadRecordException ? e.getMessage() : "could not be mapped: " + Retry.rootMessage(e);
            setAside(exchange, delivery, partition, offset, reason);
        } catch (Error e) {
            delivery.abandoned(); // e.g. out of memory: read again, not skipped
            throw e;
        }
    }

    private void setAside(Exchange exchange, KafkaDelivery delivery, TopicPartition partition, long offset, String reason) {
        String dlq = RecordFormat.deadLetterTopic(partition.topic());
        retry.run("setting aside " + delivery.where() + " on " + dlq,
                () -> "partition " + partition + " waits at offset " + offset + " (not committed past it)",
                () -> {
                    delivery.setAside(reason, "consume");
                    return null;
                });
        setAside.record(table, reason, delivery.where() + " -> " + dlq);
        LOG.warn("Set aside record {}: {} -> {}", delivery.where(), reason, dlq);
        exchange.setRouteStop(true);
    }
}
