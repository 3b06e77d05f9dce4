package com.piam.cdc.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PipelineSettingsTest;
import com.piam.cdc.domain.PipelineTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The request make snapshot writes is the signal Debezium's Kafka channel expects: an incremental execute-snapshot. */
class SnapshotCommandTest {

    @Test
    void theSignalNamesTheTablesAndTheCondition() throws Exception {
        PipelineSettings.Cdc cdc = PipelineSettings.from(PipelineSettingsTest.defaults()::get).cdc();
        JsonNode s = new ObjectMapper().readTree(SnapshotCommand.signal(cdc, List.of(PipelineTable.values()), "site_id = 'acme-hq'"));
        assertThat(s.path("type").asText()).isEqualTo("execute-snapshot");
        assertThat(s.path("data").path("type").asText()).isEqualTo("incremental");
        assertThat(s.path("data").path("data-collections").toString())
                .isEqualTo("[\"cloudgate.cg_access_event\",\"cloudgate.cg_connector_health\"]");
        assertThat(s.path("data").path("additional-conditions").get(1).path("data-collection").asText())
                .isEqualTo("cloudgate.cg_connector_health");
        assertThat(s.path("data").path("additional-conditions").get(1).path("filter").asText()).isEqualTo("site_id = 'acme-hq'");

        JsonNode all = new ObjectMapper().readTree(SnapshotCommand.signal(cdc, List.of(PipelineTable.ACCESS_EVENTS), null));
        assertThat(all.path("data").has("additional-conditions")).as("no condition: the whole table").isFalse();
    }
}
