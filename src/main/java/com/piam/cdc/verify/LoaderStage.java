package com.piam.cdc.verify;

import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.consume.ConsumeRoutes;
import com.piam.cdc.consume.OffsetCommitListener;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.load.FactLoader;
import com.piam.cdc.load.LoadState;

import static com.piam.cdc.verify.VerifyText.age;

/** Each fact table's loader: inserts failing (retried, rows kept), or no batch for longer than the stale limit. */
final class LoaderStage implements Stage {

    private final PipelineSettings settings;
    private final FactLoader loader;
    private final Routes routes;
    private final long startedMs;

    LoaderStage(PipelineSettings settings, FactLoader loader, Routes routes, long startedMs) {
        this.settings = settings;
        this.loader = loader;
        this.routes = routes;
        this.startedMs = startedMs;
    }

    @Override
    public String name() {
        return "loader";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        StageStatus.Builder b = StageStatus.of(name());
        String db = settings.clickHouseDatabase();
        PipelineTable events = PipelineTable.ACCESS_EVENTS;
        PipelineTable health = PipelineTable.CONNECTOR_HEALTH;
        table(b, round.now, db + "." + events.fact, loader.accessEventsState(), events.loadRoute(), events.consumeRoute(),
                settings.verify().staleSeconds());
        // health rows come every HEALTH_INTERVAL_SECONDS: three missed intervals before it counts as stale
        table(b, round.now, db + "." + health.fact, loader.connectorHealthState(), health.loadRoute(),
                health.consumeRoute(), Math.max(settings.verify().staleSeconds(), 3 * settings.healthIntervalSeconds()));
        return b.build();
    }

    private void table(StageStatus.Builder b, long now, String table, LoadState state, String routeId, String consumeRouteId,
            int staleSeconds) {
        long lastOk = state.lastSuccessMs();
        b.fact("last_batch_age " + table, lastOk == 0 ? "none yet" : age(now - lastOk));
        b.fact("failed_inserts " + table, state.failedAttempts());
        if (state.failingSinceMs() > 0) {
            b.problem("loader: inserts into " + table + " failing since " + VerifyText.clock(state.failingSinceMs())
                    + " (retrying, rows kept): " + state.lastError());
        } else if (consumesNothingHere(consumeRouteId)) {
            b.fact("partitions_here " + table, "0 (other runtimes of the group consume them)");
        } else {
            // nothing to load is expected before start-up, or before a fail-over gave this runtime partitions
            long since = Math.max(Math.max(lastOk, startedMs), consumingSinceMs(consumeRouteId));
            if (now - since > staleSeconds * 1000L) {
                b.problem("loader: no batch loaded into " + table + " for " + age(now - since) + " ("
                        + routeId + " is " + routes.status(routeId) + ")");
            }
        }
    }

    private OffsetCommitListener commits(String consumeRouteId) {
        return routes.context().getRegistry()
                .lookupByNameAndType(ConsumeRoutes.COMMITS_BEAN_PREFIX + consumeRouteId, OffsetCommitListener.class);
    }

    /** Several runtimes share the topics: one whose consumer holds none of their partitions has nothing to load. */
    private boolean consumesNothingHere(String consumeRouteId) {
        OffsetCommitListener commits = commits(consumeRouteId);
        return commits != null && commits.assignedPartitions() == 0;
    }

    private long consumingSinceMs(String consumeRouteId) {
        OffsetCommitListener commits = commits(consumeRouteId);
        return commits == null ? 0 : commits.consumingSinceMs();
    }
}
