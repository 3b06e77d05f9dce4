package com.piam.cdc.load;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.ShutdownPrepared;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pauses the routes that feed a load route's buffer while an operator has that load route stopped or
 * suspended (JMX, route.sh, the live page), and resumes them when it runs again.
 * <p>
 * Without it, stopping a load route while rows flow never completes gracefully: Camel waits until the
 * route's buffer and its aggregator are empty, the feeding route keeps filling both, the stop is forced
 * at the shutdown timeout and the batch in hand is dropped (its rows stay unsettled, so the Kafka
 * commits stall until a restart). Paused instead: the Kafka consumer stays in its group and stops
 * fetching (the lag grows and shows), direct mode's generator timer stops; the buffer drains, the last
 * batch is written, and the stop completes.
 * <p>
 * Wired into a load route twice, as its first step (a service of the route, so Camel tells it before
 * waiting for the route to drain: {@link #prepareShutdown}) and as its route policy (start and resume).
 * A whole-runtime stop is left to the routes' stop order (feeders stop first).
 */
public final class FeedPause extends ServiceSupport implements Processor, ShutdownPrepared, RoutePolicy {

    private static final Logger LOG = LoggerFactory.getLogger(FeedPause.class);

    private final List<String> feeders;
    private final Set<String> paused = ConcurrentHashMap.newKeySet();
    private final CamelContext context;

    /** @param feeders ids of the routes that send into the load route's buffer */
    public FeedPause(CamelContext context, List<String> feeders) {
        this.context = context;
        this.feeders = List.copyOf(feeders);
    }

    /** Whether a started route's consumer is paused (by a FeedPause, or suspended on its own). */
    public static boolean paused(Route route) {
        return route != null && route.getConsumer() != null && ServiceHelper.isSuspended(route.getConsumer());
    }

    /** The feeding routes this one has paused. */
    public Set<String> paused() {
        return Set.copyOf(paused);
    }

    @Override
    public void process(Exchange exchange) {
        // a pass-through step: it is in the route only to be told before the route stops
    }

    @Override
    public void prepareShutdown(boolean suspendOnly, boolean forced) {
        if (forced || context.isStopping()) {
            return;
        }
        for (String id : feeders) {
            Route route = context.getRoute(id);
            Consumer consumer = route == null ? null : route.getConsumer();
            if (consumer != null && ServiceHelper.isStarted(consumer) && !ServiceHelper.isSuspended(consumer)) {
                ServiceHelper.suspendService(consumer);
                paused.add(id);
                LOG.info("Paused {} while the route it feeds {}: its rows wait at the source (Kafka lag) until it runs again",
                        id, suspendOnly ? "is suspended" : "stops");
            }
        }
    }

    @Override
    public void onStart(Route route) {
        resumeFeeders(route);
    }

    @Override
    public void onResume(Route route) {
        resumeFeeders(route);
    }

    private void resumeFeeders(Route loadRoute) {
        for (String id : paused) {
            Route route = context.getRoute(id);
            Consumer consumer = route == null ? null : route.getConsumer();
            if (consumer != null && ServiceHelper.isSuspended(consumer)) {
                ServiceHelper.resumeService(consumer);
                LOG.info("Resumed {}: {} runs again", id, loadRoute.getRouteId());
            }
            paused.remove(id);
        }
    }

    @Override
    public void onInit(Route route) {
    }

    @Override
    public void onRemove(Route route) {
    }

    @Override
    public void onStop(Route route) {
    }

    @Override
    public void onSuspend(Route route) {
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
    }
}
