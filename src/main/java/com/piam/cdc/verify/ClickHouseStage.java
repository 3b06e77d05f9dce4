package com.piam.cdc.verify;

import java.util.ArrayList;
import java.util.List;

import static com.piam.cdc.verify.VerifyText.age;

/** The target answers, holds access events newer than the stale limit, and a recent health check from every connector. */
final class ClickHouseStage implements Stage {

    private final String server;
    private final long staleMs;
    private final long checkStaleMs;

    /** {@code checkStaleMs}: how old a connector's newest health check may be. */
    ClickHouseStage(String server, long staleMs, long checkStaleMs) {
        this.server = server;
        this.staleMs = staleMs;
        this.checkStaleMs = checkStaleMs;
    }

    @Override
    public String name() {
        return "clickhouse";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        ClickHouseProbe.Facts f = round.clickHouse();
        long now = round.now;
        StageStatus.Builder b = StageStatus.of(name()).fact("server", server);
        if (f.error != null) {
            return b.fact("reachable", false).problem("ClickHouse: " + f.error).build();
        }
        b.fact("reachable", true)
                .fact("access_events_10m", f.accessRows10m)
                .fact("newest_access_event", f.newestAccessMs == 0 ? "none" : age(now - f.newestAccessMs) + " old")
                .fact("health_checks_10m", f.healthRows10m)
                .fact("newest_health_check", f.newestCheckMs == 0 ? "none" : age(now - f.newestCheckMs) + " old");
        if (f.accessRows10m == 0 && f.healthRows10m == 0) {
            b.problem("ClickHouse: no rows in the last 10 minutes in fact_access_events or fact_connector_health");
        } else if (f.newestAccessMs == 0 || now - f.newestAccessMs > staleMs) {
            b.problem("ClickHouse: newest access event is " + (f.newestAccessMs == 0 ? "older than 10 minutes"
                    : age(now - f.newestAccessMs) + " old"));
        }
        List<String> silent = new ArrayList<>();
        for (String connector : f.expectedConnectors) {
            Long last = f.lastCheckByConnector.get(connector);
            b.fact("last_check " + connector, last == null ? "none in 10 minutes" : age(now - last) + " old");
            if (last == null || now - last > checkStaleMs) {
                silent.add(connector);
            }
        }
        if (!silent.isEmpty()) {
            b.problem("ClickHouse: no health check in the last " + age(checkStaleMs) + " from " + String.join(", ", silent));
        }
        return b.build();
    }
}
