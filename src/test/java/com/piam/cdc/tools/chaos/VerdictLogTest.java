package com.piam.cdc.tools.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictLogTest {

    private static boolean flowing(String stageJson) throws Exception {
        return VerdictLog.flowing(new ObjectMapper().readTree(stageJson));
    }

    @Test
    void rowsFlowOnceTheCaptureCapturedAndEveryTableWasLoaded() throws Exception {
        assertThat(flowing("{\"stage\":\"capture\",\"facts\":{\"changes_captured\":0}}")).isFalse();
        assertThat(flowing("{\"stage\":\"capture\",\"facts\":{\"changes_captured\":12}}")).isTrue();
        assertThat(flowing("{\"stage\":\"loader\",\"facts\":{\"last_batch_age piam.fact_access_events\":\"2 s\","
                + "\"last_batch_age piam.fact_connector_health\":\"none yet\"}}")).isFalse();
        assertThat(flowing("{\"stage\":\"loader\",\"facts\":{\"last_batch_age piam.fact_access_events\":\"2 s\","
                + "\"last_batch_age piam.fact_connector_health\":\"9 s\"}}")).isTrue();
        assertThat(flowing("{\"stage\":\"clickhouse\",\"facts\":{}}")).isTrue();
    }

    @Test
    void aHealthyVerdictBeforeAnythingFlowedIsNotARecovery() {
        VerdictLog.Sample starting = new VerdictLog.Sample(0, "HEALTHY", 0, List.of(), false);
        assertThat(starting.recovered()).isFalse();
        assertThat(starting.describe()).isEqualTo("HEALTHY (nothing captured or loaded yet)");
        VerdictLog.Sample degraded = new VerdictLog.Sample(0, "DEGRADED", 0, List.of("clickhouse: unreachable"), true);
        assertThat(degraded.recovered()).isFalse();
        assertThat(degraded.describe()).isEqualTo("DEGRADED: clickhouse: unreachable");
        assertThat(ChaosRun.worst(List.of(degraded, new VerdictLog.Sample(1, "DOWN", 1, List.of("x"), false), starting)).status())
                .isEqualTo("DOWN");
    }
}
