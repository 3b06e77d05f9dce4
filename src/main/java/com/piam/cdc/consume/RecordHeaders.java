package com.piam.cdc.consume;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;

/**
 * The consume routes read a record's Kafka headers where Kafka puts them ({@code kafka.HEADERS}), so camel-kafka
 * copies none of them into Camel headers: its default filter matches a regular expression per header and record,
 * and each copy would be copied again at the hand-over to the load route. This is the endpoint's
 * {@code headerFilterStrategy}.
 */
final class RecordHeaders implements HeaderFilterStrategy {

    static final RecordHeaders NONE = new RecordHeaders();

    private RecordHeaders() {
    }

    /** The last header {@code name} of the record as UTF-8 text; null when it has none. */
    static String text(Headers headers, String name) {
        Header h = headers == null ? null : headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }
}
