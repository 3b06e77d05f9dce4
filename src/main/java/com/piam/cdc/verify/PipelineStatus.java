package com.piam.cdc.verify;

import java.util.List;

/**
 * The verifier's verdict. HEALTHY: every stage OK. SNAPSHOTTING: a snapshot reads the source tables' existing rows
 * (the first start's, or make snapshot) and nothing else is wrong than what it explains (rows it has not read yet are
 * missing in reconciliation); neither healthy nor a failure, the capture stage says how far it has come.
 * DEGRADED: a stage needs attention but rows reached ClickHouse in the last 10 minutes (or ClickHouse cannot be
 * asked). DOWN: ClickHouse answers and holds no row of the last 10 minutes in either fact table: the dashboard is stale.
 */
public record PipelineStatus(Overall overall, long checkedAtMs, long tookMs, String ingestMode, List<StageStatus> stages) {

    public enum Overall {
        HEALTHY, SNAPSHOTTING, DEGRADED, DOWN
    }

    /**
     * The stages a running snapshot explains failing: rows it has not read yet are missing in reconciliation. (Not
     * freshness: it is that of streamed changes, which a snapshot must not delay.)
     */
    static final java.util.Set<String> EXPLAINED_BY_SNAPSHOT = java.util.Set.of("reconcile");

    /** What the reasons of a stage a running snapshot explains begin with, where people read them (live view, log). */
    private static final String NOT_READ_YET = "not read by the snapshot yet: ";

    /**
     * The verdict from the stages' results: a snapshot reading (a capture fact "snapshot &lt;table&gt;") with no failing
     * stage it does not explain is SNAPSHOTTING; else HEALTHY when all are OK, DOWN when ClickHouse holds no recent row,
     * else DEGRADED.
     */
    static Overall of(List<StageStatus> stages, boolean clickHouseStale) {
        boolean snapshotting = stages.stream().anyMatch(s -> s.stage().equals("capture")
                && s.facts().keySet().stream().anyMatch(k -> k.startsWith(CaptureStage.SNAPSHOT_FACT)));
        boolean unexplained = stages.stream().anyMatch(s -> !s.ok() && !EXPLAINED_BY_SNAPSHOT.contains(s.stage()));
        if (snapshotting && !unexplained) {
            return Overall.SNAPSHOTTING;
        }
        if (stages.stream().allMatch(StageStatus::ok)) {
            return Overall.HEALTHY;
        }
        return clickHouseStale ? Overall.DOWN : Overall.DEGRADED;
    }

    /** The snapshots reading now, one line each ("cg_access_event: 120,000 rows read of about …"). */
    public List<String> snapshots() {
        List<String> out = new java.util.ArrayList<>();
        stages.stream().filter(s -> s.stage().equals("capture")).forEach(s -> s.facts().forEach((k, v) -> {
            if (k.startsWith(CaptureStage.SNAPSHOT_FACT)) {
                out.add(k.substring(CaptureStage.SNAPSHOT_FACT.length()) + ": " + v);
            }
        }));
        return out;
    }

    /**
     * A stage's reasons as people read them: while a snapshot reads, those of a stage it explains say so (reconciliation's
     * "N missing" are then the rows it has not read yet, not a fault).
     */
    public List<String> reasonsShown(StageStatus stage) {
        if (explainedBySnapshot(stage)) {
            return stage.reasons().stream().map(r -> NOT_READ_YET + r).toList();
        }
        return stage.reasons();
    }

    /** Whether a snapshot reads now and explains what this stage reports. */
    public boolean explainedBySnapshot(StageStatus stage) {
        return overall == Overall.SNAPSHOTTING && EXPLAINED_BY_SNAPSHOT.contains(stage.stage());
    }

    /** The reasons of the failing stages, one line (as people read them: {@link #reasonsShown}). */
    public String reasons() {
        StringBuilder b = new StringBuilder();
        for (StageStatus s : stages) {
            if (!s.ok()) {
                if (!b.isEmpty()) {
                    b.append(" | ");
                }
                b.append(String.join("; ", reasonsShown(s)));
            }
        }
        return b.toString();
    }
}
