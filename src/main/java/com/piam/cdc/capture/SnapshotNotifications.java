package com.piam.cdc.capture;

import io.debezium.config.CommonConnectorConfig;
import io.debezium.function.BlockingConsumer;
import io.debezium.pipeline.notification.Notification;
import io.debezium.pipeline.notification.channels.ConnectChannel;
import io.debezium.pipeline.notification.channels.NotificationChannel;
import io.debezium.pipeline.spi.OffsetContext;
import io.debezium.pipeline.spi.Offsets;
import io.debezium.pipeline.spi.Partition;
import io.debezium.schema.SchemaFactory;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's notifications, channel {@value #NAME} (enabled by the capture route in incremental mode; Debezium finds
 * this class through META-INF/services): an incremental snapshot's COMPLETED goes to {@link FirstSnapshot} with the
 * binlog position it completed at, so the first start's snapshot is known to have finished even when it began and
 * ended between two offset writes. A Connect channel because only those are given the offsets with a notification;
 * it sends no records.
 */
public class SnapshotNotifications implements NotificationChannel, ConnectChannel {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotNotifications.class);
    static final String NAME = "piam";
    static final String INCREMENTAL_SNAPSHOT = "Incremental Snapshot";
    static final String COMPLETED = "COMPLETED";

    private String prefix;

    @Override
    public void init(CommonConnectorConfig config) {
        prefix = config.getLogicalName();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void initConnectChannel(SchemaFactory schemaFactory, BlockingConsumer<SourceRecord> consumer) {
        // sends no records
    }

    @Override
    public void send(Notification notification) {
        // Debezium gives Connect channels the variant with offsets
    }

    @Override
    public <P extends Partition, O extends OffsetContext> void send(Notification n, Offsets<P, O> offsets) {
        if (INCREMENTAL_SNAPSHOT.equals(n.getAggregateType()) && COMPLETED.equals(n.getType()) && offsets != null
                && offsets.getOffsets().size() == 1) {
            BinlogPosition at = BinlogPosition.of(offsets.getTheOnlyOffset().getOffset());
            LOG.info("capture: incremental snapshot {} completed at binlog {}", n.getId(), at);
            FirstSnapshot.completed(prefix, n.getId(), at);
        }
    }

    @Override
    public void close() {
    }
}
