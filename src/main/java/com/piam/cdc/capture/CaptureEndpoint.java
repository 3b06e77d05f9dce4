package com.piam.cdc.capture;

import org.apache.camel.Exchange;
import org.apache.camel.component.debezium.DebeziumConsumer;
import org.apache.camel.component.debezium.DebeziumEndpoint;
import org.apache.camel.component.debezium.mysql.configuration.MySqlConnectorEmbeddedDebeziumConfiguration;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * camel-debezium-mysql's endpoint, but a row change's exchange carries Debezium's {@link SourceRecord} itself as
 * its body and no headers: {@link ChangeEventEncoder} encodes the Kafka record straight from it. camel-debezium
 * 4.18's {@code createDbzExchange} sets eight headers per event, converts the source block to a map and asks
 * every event for a {@code ddl} field; for a row change Kafka Connect's {@code Struct.get} throws a DataException
 * (stack trace filled) that Camel catches: one exception per captured row (make bench: 0.96 per row). Every other
 * event (heartbeats, tombstones, schema changes) is made by camel-debezium itself (CaptureEndpointTest).
 */
final class CaptureEndpoint extends DebeziumEndpoint<MySqlConnectorEmbeddedDebeziumConfiguration> {

    private MySqlConnectorEmbeddedDebeziumConfiguration configuration;

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
