package com.piam.cdc.verify;

import com.piam.cdc.capture.CaptureLease;
import com.piam.cdc.load.FeedPause;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;

/** Every route's state; one that is not Started (stopped or suspended over JMX, say) is a problem. */
final class RoutesStage implements Stage {

    private final CamelContext context;

    RoutesStage(CamelContext context) {
        this.context = context;
    }

    @Override
    public String name() {
        return "routes";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        StageStatus.Builder b = StageStatus.of(name());
        CaptureLease lease = context.getRegistry().lookupByNameAndType("captureLease", CaptureLease.class);
        for (Route route : context.getRoutes()) {
            ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
            if (lease != null && !lease.held() && lease.routes().contains(route.getRouteId())) {
                b.fact(route.getRouteId(), status + " (standby: another runtime holds the capture lease)");
                continue;
            }
            boolean paused = status == ServiceStatus.Started && FeedPause.paused(route);
            b.fact(route.getRouteId(), paused ? "Started, input paused (the route it feeds is stopped or suspended)" : String.valueOf(status));
            if (status != ServiceStatus.Started) {
                b.problem("routes: " + route.getRouteId() + " is " + status + " (start it from JConsole or: ops/local/route.sh start "
                        + route.getRouteId() + ")");
            }
        }
        return b.build();
    }
}
