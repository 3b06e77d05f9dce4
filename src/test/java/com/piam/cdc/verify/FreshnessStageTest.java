package com.piam.cdc.verify;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FreshnessStageTest {

    private static StageStatus check(long rows5m, double p95Ms5m, long rows1m, double p95Ms1m) {
        ClickHouseProbe.Facts f = new ClickHouseProbe.Facts();
        f.freshnessRows = rows5m;
        f.freshnessP95Ms = p95Ms5m;
        f.freshnessRows1m = rows1m;
        f.freshnessP95Ms1m = p95Ms1m;
        return new FreshnessStage(30).check(new VerifyRound(0, () -> null, () -> f));
    }

    @Test
    void lateRowsNowAreAProblem() {
        StageStatus s = check(3000, 61_000, 600, 42_000);
        assertThat(s.reasons()).containsExactly(
                "freshness: p95 42.0 s over the last minute (limit 30 s; last 5 minutes 61.0 s); look at the Kafka lag and the loader");
    }

    @Test
    void rowsReplayedAfterAnOutageNoLongerCountOnceTheLastMinuteIsFresh() {
        StageStatus s = check(3000, 79_500, 600, 2_100);
        assertThat(s.reasons()).isEmpty();
        assertThat(s.facts()).containsEntry("p95_5m", "79.5 s").containsEntry("p95_1m", "2.1 s");
    }

    @Test
    void noRowsInTheLastMinuteIsNotLateness() {
        assertThat(check(10, 5_000, 0, 0).reasons()).isEmpty();
        assertThat(check(10, 5_000, 0, 0).facts()).containsEntry("p95_1m", "no rows");
    }
}
