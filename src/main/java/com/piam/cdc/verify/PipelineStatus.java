package com.piam.cdc.verify;

import java.util.List;

/**
 * The verifier's verdict. HEALTHY: every stage OK. DEGRADED: a stage needs attention but rows
 * reached ClickHouse in the last 10 minutes (or ClickHouse cannot be asked). DOWN: ClickHouse
 * answers and holds no row of the last 10 minutes in either fact table: the dashboard is stale.
 */
public record PipelineStatus(Overall overall, long checkedAtMs, long tookMs, String ingestMode, List<StageStatus> stages) {

    public enum Overall {
        HEALTHY, DEGRADED, DOWN
    }

    /** The reasons of the failing stages, one line. */
    public String reasons() {
        StringBuilder b = new StringBuilder();
        for (StageStatus s : stages) {
            if (!s.ok()) {
                if (!b.isEmpty()) {
                    b.append(" | ");
                }
                b.append(s.reason());
            }
        }
        return b.toString();
    }
}
