package com.piam.cdc.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.PipelineMetrics;
import com.piam.cdc.Pools;
import com.piam.cdc.capture.CaptureLease;
import com.piam.cdc.capture.CaptureLiveness;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.generate.PacsSimulator;
import com.piam.cdc.load.FeedPause;
import com.piam.cdc.verify.PipelineVerifier;
import com.zaxxer.hikari.HikariDataSource;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live view at / of the management HTTP server (MANAGEMENT_HOST:MANAGEMENT_PORT, 127.0.0.1 by default):
 * a page (src/main/resources/live/) that asks GET /live/data every 2 s, and the chart library from its WebJar.
 * Figures are sampled every 2 s into memory (10 minutes kept); the PIAM panels come from ClickHouse through
 * the reader's own one-connection pool, asked at most once per refresh.
 */
public final class LiveView implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long REFRESH_MS = 2_000;
    /** The files the page is made of: path -> (classpath resource, content type). Nothing else is served. */
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"/live/index.html", "text/html; charset=utf-8"},
            "/live/app.js", new String[] {"/live/app.js", "text/javascript; charset=utf-8"},
            "/live/app.css", new String[] {"/live/app.css", "text/css; charset=utf-8"},
            "/live/uPlot.js", new String[] {"/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "/live/uPlot.css", new String[] {"/META-INF/resources/webjars/uplot/1.6.30/dist/uPlot.min.css", "text/css; charset=utf-8"});

    private final CamelContext context;
    private final PipelineSettings settings;
    private final PipelineVerifier verifier;
    private final PipelineMetrics metrics;
    /** The access event fact table whose loads and freshness the view shows. */
    private final String table;
    private final LiveHistory history = new LiveHistory();
    private final HikariDataSource reader;
    private final PiamPanels panels;
    /** Null unless LIVE_VIEW_CONTROLS=true. */
    private final StageControl control;
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "live-view-sampler");
        t.setDaemon(true);
        return t;
    });

    public LiveView(CamelContext context, PipelineSettings settings, PipelineVerifier verifier, PipelineMetrics metrics) {
        this.context = context;
        this.settings = settings;
        this.verifier = verifier;
        this.metrics = metrics;
        this.table = settings.clickHouseDatabase() + ".fact_access_events";
        this.reader = Pools.create("live-view-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouseReader(), 1, c -> {
            c.setConnectionTimeout(2_000);
            c.addDataSourceProperty("socket_timeout", "5000");
        });
        this.panels = new PiamPanels(reader, settings.clickHouseDatabase(), settings.tenants(), REFRESH_MS);
        this.control = settings.liveViewControls() ? new StageControl(context, settings.managementHost(), settings.managementPort()) : null;
    }

    /** Adds the page and its data to the management HTTP server and starts sampling; call once the context has started. */
    public void serve() {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || server.getRouter() == null) {
            LOG.warn("No management HTTP server: the live view is not served");
            return;
        }
        Router router = server.getRouter();
        FILES.forEach((path, file) -> router.route(HttpMethod.GET, path).handler(rc -> file(rc, file[0], file[1])));
        router.route(HttpMethod.GET, "/live/data").produces("application/json").blockingHandler(this::data, false);
        router.route(HttpMethod.POST, "/live/control").blockingHandler(this::control, false);
        sampler.scheduleAtFixedRate(this::sample, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
        LOG.info("Live view: http://{}:{}/", settings.managementHost(), settings.managementPort());
    }

    private void sample() {
        try {
            PacsSimulator simulator = context.getRegistry().lookupByNameAndType("pacsSimulator", PacsSimulator.class);
            CaptureLiveness capture = context.getRegistry().lookupByNameAndType("captureLiveness", CaptureLiveness.class);
            double[] freshness = metrics.freshnessP50P95(table);
            history.add(new LiveHistory.Point(System.currentTimeMillis(), simulator == null ? 0 : simulator.accessEventsGenerated(),
                    capture == null ? 0 : capture.changesCaptured(), exchanges("consume-access-events"), metrics.loaded(table).rows(),
                    freshness[0], freshness[1]));
        } catch (RuntimeException e) {
            LOG.debug("live view sample failed", e);
        }
    }

    private long exchanges(String routeId) {
        ManagedCamelContext managed = context.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        ManagedRouteMBean route = managed == null ? null : managed.getManagedRoute(routeId);
        return route == null ? 0 : route.getExchangesTotal();
    }

    private void data(RoutingContext rc) {
        PipelineMetrics.Loaded loaded = metrics.loaded(table);
        Map<String, Object> load = new LinkedHashMap<>();
        if (loaded.lastAtMs() > 0) {
            load.put("last_batch", loaded.lastBatchRows() + " rows in " + loaded.lastInsertMs() + " ms");
            load.put("last_batch_age", Math.max(0, System.currentTimeMillis() - loaded.lastAtMs()) / 1000 + " s ago");
        }
        Map<String, Object> clickHouse = new LinkedHashMap<>();
        double[] f = metrics.freshnessP50P95(table);
        if (!Double.isNaN(f[1])) {
            clickHouse.put("freshness", String.format(java.util.Locale.ROOT, "p50 %.1f s, p95 %.1f s", f[0], f[1]));
        }
        // controls only for a page loaded from this server under its own name (not for DNS-rebound names)
        boolean controls = control != null && control.ownHost(host(rc));
        CaptureLiveness capture = context.getRegistry().lookupByNameAndType("captureLiveness", CaptureLiveness.class);
        Map<String, Object> body = LiveData.of(verifier.last(), history.points(), this::routeState, load, clickHouse,
                capture == null ? Map.of() : capture.snapshotProgress(), panels.panels(), controls);
        if (controls) {
            body.put("control_token", control.token());
        }
        try {
            rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
                    .end(JSON.writeValueAsString(body));
        } catch (IOException e) {
            rc.fail(e);
        }
    }

    /** POST /live/control?route=…&action=… with the X-Live-Token header, from the page itself. */
    private void control(RoutingContext rc) {
        if (control == null) {
            rc.response().setStatusCode(404).end("stage control is off (LIVE_VIEW_CONTROLS=false)");
            return;
        }
        String route = rc.request().getParam("route");
        String action = rc.request().getParam("action");
        StageControl.Refusal refused = control.check(host(rc), rc.request().getHeader("Origin"),
                rc.request().getHeader("X-Live-Token"), route, action);
        if (refused != null) {
            LOG.warn("Live view: {} {} {}", action, route, refused.reason());
            rc.response().setStatusCode(refused.status()).end(refused.reason());
            return;
        }
        // in the background: a graceful stop can wait for the route's batch (up to the shutdown timeout), and the
        // server's workers must keep answering /live/data meanwhile (the page shows "Stopping")
        sampler.execute(() -> {
            try {
                LOG.info("Live view: {} {} -> {}", action, route, control.act(route, action));
            } catch (Exception e) {
                LOG.warn("Live view: {} {} failed: {}", action, route, com.piam.cdc.Retry.rootMessage(e));
            }
        });
        try {
            rc.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                    .end(JSON.writeValueAsString(Map.of("route", route, "action", action)));
        } catch (IOException e) {
            rc.fail(e);
        }
    }

    /** The address the request was sent to: the Host header (HTTP/1.1) or the :authority (HTTP/2). */
    private static String host(RoutingContext rc) {
        String host = rc.request().getHeader("Host");
        if (host == null && rc.request().authority() != null) {
            host = rc.request().authority().host() + ":" + rc.request().authority().port();
        }
        return host;
    }

    private String routeState(String routeId) {
        Route route = context.getRoute(routeId);
        if (route == null) {
            return null;
        }
        ServiceStatus s = context.getRouteController().getRouteStatus(routeId);
        CaptureLease lease = context.getRegistry().lookupByNameAndType("captureLease", CaptureLease.class);
        if (lease != null && !lease.held() && lease.routes().contains(routeId)) {
            return "Standby"; // another runtime holds the capture lease
        }
        // a started route whose input is paused: the route it feeds is stopped (FeedPause)
        return s == ServiceStatus.Started && FeedPause.paused(route) ? "Paused" : s == null ? null : s.name();
    }

    private static void file(RoutingContext rc, String resource, String type) {
        try (InputStream in = LiveView.class.getResourceAsStream(resource)) {
            if (in == null) {
                rc.response().setStatusCode(404).end();
                return;
            }
            rc.response().putHeader("Content-Type", type).putHeader("X-Content-Type-Options", "nosniff")
                    .end(Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            rc.fail(e);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        reader.close();
    }
}
