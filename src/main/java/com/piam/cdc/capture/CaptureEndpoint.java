package com.piam.cdc.capture;

import org.apache.camel.Exchange;
import org.apache.camel.component.debezium.DebeziumConsumer;
import org.apache.camel.component.debezium.DebeziumEndpoint;
import org.apache.camel.component.debezium.mysql.configuration.MySqlConnectorEmbeddedDebeziumConfiguration;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.concurrent.ExecutorService;

/**
 * camel-debezium-mysql's endpoint, but a row change's exchange carries Debezium's {@link SourceRecord} itself as
 * its body and no headers: {@link ChangeEventEncoder} encodes the Kafka record straight from it. camel-debezium
 * 4.18's {@code createDbzExchange} sets eight headers per event, converts the source block to a map and asks
 * every event for a {@code ddl} field; for a row change Kafka Connect's {@code Struct.get} throws a DataException
 * (stack trace filled) that Camel catches: one exception per captured row (make bench: 0.96 per row). Every other
 * event (heartbeats, tombstones, schema changes) is made by camel-debezium itself (CaptureEndpointTest).
 * <p>
 * It also keeps the executor its consumer runs the Debezium engine on ({@link #engineExecutor()}), so the
 * {@link CaptureWatchdog} sees the engine's task end without reading camel-debezium's private fields.
 */
final class CaptureEndpoint extends DebeziumEndpoint<MySqlConnectorEmbeddedDebeziumConfiguration> {

    private MySqlConnectorEmbeddedDebeziumConfiguration configuration;
    private volatile ExecutorService engineExecutor;

    CaptureEndpoint(String uri, CaptureComponent component, MySqlConnectorEmbeddedDebeziumConfiguration configuration) {
        super(uri, component);
        this.configuration = configuration;
    }

    @Override
    public MySqlConnectorEmbeddedDebeziumConfiguration getConfiguration() {
        return configuration;
    }

    @Override
    public void setConfiguration(MySqlConnectorEmbeddedDebeziumConfiguration configuration) {
        this.configuration = configuration;
    }

    /** camel-debezium's consumer asks for the executor it runs the engine on when it starts; kept for the watchdog. */
    @Override
    public ExecutorService createExecutor(Object source) {
        ExecutorService executor = super.createExecutor(source);
        engineExecutor = executor;
        return executor;
    }

    /** The executor the engine of the consumer started last runs on; null before a consumer started. */
    ExecutorService engineExecutor() {
        return engineExecutor;
    }

    @Override
    public Exchange createDbzExchange(DebeziumConsumer consumer, SourceRecord record) {
        if (!ChangeEventEncoder.isRowChange(record.valueSchema()) || !(record.value() instanceof Struct)) {
            return super.createDbzExchange(consumer, record);
        }
        // a row change: Debezium's record itself, read by ChangeEventEncoder (no headers, no map of the source block)
        Exchange exchange = consumer != null ? consumer.createExchange(false) : createExchange();
        exchange.getIn().setBody(record);
        return exchange;
    }
}
