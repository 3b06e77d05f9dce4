package com.piam.cdc.verify;

import java.util.Locale;

/**
 * The p95 of ClickHouse ingest minus source commit of the streamed changes ingested in the last minute (rows read by a
 * snapshot carry their read time and are left out), against
 * VERIFY_MAX_FRESHNESS_SECONDS (the last 5 minutes shown beside it). The last minute judges: rows replayed
 * after an outage are late by the outage's length, and once they are in, what arrives now is what counts.
 */
final class FreshnessStage implements Stage {

    private final int limitSeconds;

    FreshnessStage(int limitSeconds) {
        this.limitSeconds = limitSeconds;
    }

    @Override
    public String name() {
        return "freshness";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        ClickHouseProbe.Facts f = round.clickHouse();
        StageStatus.Builder b = StageStatus.of(name());
        b.fact("limit_seconds", limitSeconds);
        if (f.error != null) {
            return b.fact("p95_5m", "unknown (ClickHouse not answering)").build();
        }
        b.fact("rows_5m", f.freshnessRows);
        if (f.freshnessRows == 0) {
            return b.fact("p95_5m", "no rows").build();
        }
        b.fact("p95_5m", String.format(Locale.ROOT, "%.1f s", f.freshnessP95Ms / 1000));
        b.fact("rows_1m", f.freshnessRows1m);
        b.fact("p95_1m", f.freshnessRows1m == 0 ? "no rows" : String.format(Locale.ROOT, "%.1f s", f.freshnessP95Ms1m / 1000));
        if (f.freshnessRows1m > 0 && f.freshnessP95Ms1m > limitSeconds * 1000.0) {
            b.problem(String.format(Locale.ROOT, "freshness: p95 %.1f s over the last minute (limit %d s; last 5 minutes %.1f s); "
                    + "look at the Kafka lag and the loader", f.freshnessP95Ms1m / 1000, limitSeconds, f.freshnessP95Ms / 1000));
        }
        return b.build();
    }
}
