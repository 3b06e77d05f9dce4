package com.piam.cdc.reconcile;

import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.domain.PipelineTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Both sides hash the same columns in the same order, or no row would ever balance. */
class FingerprintTest {

    private static List<String> names(List<String[]> fingerprint) {
        return fingerprint.stream().map(c -> c[0]).toList();
    }

    @Test
    void sourceAndClickHouseNameTheSameColumnsInTheSameOrder() {
        assertThat(names(SourceSql.ACCESS_EVENT_FINGERPRINT)).isEqualTo(names(ClickHouseQueries.ACCESS_EVENT_FINGERPRINT))
                .startsWith("event_id").hasSize(18);
        assertThat(names(SourceSql.HEALTH_FINGERPRINT)).isEqualTo(names(ClickHouseQueries.HEALTH_FINGERPRINT)).startsWith("id");
    }

    @Test
    void sourceRangesUseTheTenantTimeIndexWithUtcLiterals() {
        String sql = SourceSql.windows(PipelineTable.ACCESS_EVENTS, List.of("acme", "o'brien"), 1_795_997_580L, 1_795_997_700L);
        assertThat(sql).contains("WHERE tenant_id IN ('acme','o''brien') AND event_time >= '2026-11-30 00:13:00' AND event_time < '2026-11-30 00:15:00'")
                .contains("GROUP BY w");
    }
}
