package com.piam.cdc.verify;

import static com.piam.cdc.verify.VerifyText.age;

/** The source answers and has new access events (none for longer than the stale limit is a problem). */
final class MysqlStage implements Stage {

    private final String server;
    private final long staleMs;
    private final long startedMs;
    private final Routes routes;

    MysqlStage(String server, long staleMs, long startedMs, Routes routes) {
        this.server = server;
        this.staleMs = staleMs;
        this.startedMs = startedMs;
        this.routes = routes;
    }

    @Override
    public String name() {
        return "mysql";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        MysqlProbe.Facts f = round.mysql();
        StageStatus.Builder b = StageStatus.of(name()).fact("server", server);
        if (f.error() != null) {
            return b.fact("reachable", false).problem("MySQL: " + f.error()).build();
        }
        b.fact("reachable", true).fact("newest_row_age", f.newestRowAgeMs() == null ? "no rows" : age(f.newestRowAgeMs()));
        if (!f.serverBinlog().isEmpty()) {
            b.fact("binlog_position", f.serverBinlog());
        }
        if (f.newestRowAgeMs() == null ? round.now - startedMs > staleMs : f.newestRowAgeMs() > staleMs) {
            b.problem("MySQL: " + (f.newestRowAgeMs() == null ? "no access event rows" : "newest access event is "
                    + age(f.newestRowAgeMs()) + " old") + " (generate-access-events is " + routes.status("generate-access-events") + ")");
        }
        return b.build();
    }
}
