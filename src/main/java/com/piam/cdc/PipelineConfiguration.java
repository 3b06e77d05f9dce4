package com.piam.cdc;

import com.piam.cdc.capture.CaptureLease;
import com.piam.cdc.capture.CaptureLiveness;
import com.piam.cdc.capture.CaptureRoute;
import com.piam.cdc.capture.CaptureWatchdog;
import com.piam.cdc.capture.KafkaChangeSender;
import com.piam.cdc.capture.SnapshotProgress;
import com.piam.cdc.capture.SnapshotRequests;
import com.piam.cdc.capture.SameSource;
import com.piam.cdc.capture.SourcePreflight;
import com.piam.cdc.config.IngestMode;
import com.piam.cdc.config.Secrets;
import com.piam.cdc.config.ConfigException;
import com.piam.cdc.config.DemoPasswords;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.config.PipelineSettings.SourceFlavor;
import com.piam.cdc.consume.ConsumeRoutes;
import com.piam.cdc.consume.KafkaPreflight;
import com.piam.cdc.consume.DeadLetterWriter;
import com.piam.cdc.consume.OffsetCommitListener;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.load.ClickHousePreflight;
import com.piam.cdc.generate.CloudgateWriter;
import com.piam.cdc.generate.GeneratorPreflight;
import com.piam.cdc.generate.DimensionsRepository;
import com.piam.cdc.generate.PacsSimulator;
import com.piam.cdc.load.BatchWriterExecutor;
import com.piam.cdc.load.CatchUpBatchSize;
import com.piam.cdc.load.DeadLetterFile;
import com.piam.cdc.load.LoadBudget;
import com.piam.cdc.load.RowsSetAside;
import com.piam.cdc.load.FactLoader;
import com.piam.cdc.load.FeedPause;
import com.piam.cdc.load.LoadBatchAggregation;
import com.piam.cdc.live.LiveView;
import com.piam.cdc.verify.PipelineStatusEndpoint;
import com.piam.cdc.verify.PipelineVerifier;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.logging.log4j.jul.Log4jBridgeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Reads and validates the settings, then binds the beans the YAML routes call by name:
 * pacsSimulator, cloudgateWriter, factLoader, loadBatchAggregation.
 */
public class PipelineConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineConfiguration.class);

    @Override
    public void configure(CamelContext context) {
        // the binlog client (Debezium's MySQL/MariaDB reader) logs through java.util.logging: same log, same format
        Log4jBridgeHandler.install(true, null, true);
        PropertiesComponent properties = context.getPropertiesComponent();
        PipelineSettings settings = PipelineSettings.from(Secrets.rawSecrets(key -> properties.resolveProperty(key).orElse(null)));
        LOG.info("Settings: {}", settings.summary());
        DemoPasswords.check(settings, LOG);
        checkManagementPortFree(settings.managementHost(), settings.managementPort());
        BooleanSupplier stopping = () -> context.isStopping() || context.isStopped();
        long maxBackoffMs = settings.clickHouseMaxBackoffSeconds() * 1000L;

        HikariDataSource mysql = Pools.create("cloudgate-mysql", settings.mysqlJdbcUrl(), settings.mysql(), 2);
        HikariDataSource clickHouse = Pools.create("piam-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouse(), 3);

        Registry registry = context.getRegistry();
        // the registry camel-micrometer-prometheus serves (made before this runs): Prometheus conventions first
        MeterRegistry meters = registry.lookupByNameAndType(MetricConventions.REGISTRY_NAME, MeterRegistry.class);
        if (meters != null) {
            MetricConventions.apply(meters);
        } else {
            LOG.info("No metrics registry yet (camel.metrics.enabled=false?): /observe/metrics serves no pipeline meters");
        }
        registry.bind("pipelineSettings", settings);
        registry.bind("cloudgateDataSource", mysql);
        registry.bind("clickHouseDataSource", clickHouse);
        PacsSimulator simulator = new PacsSimulator(settings,
                new DimensionsRepository(clickHouse, settings.clickHouseDatabase())::load, Clock.systemUTC());
        PipelineMetrics metrics = new PipelineMetrics(context);
        registry.bind("pipelineMetrics", metrics);
        RowsSetAside setAside = new RowsSetAside(settings.verify().setAsideSeconds() * 1000L);
        registry.bind("rowsSetAside", setAside);
        LoadBudget budget = new LoadBudget(settings.maxBufferedMb() * 1024L * 1024L, stopping);
        budget.bindTo(registry);
        FactLoader loader = new FactLoader(clickHouse, settings.clickHouseDatabase(), stopping, maxBackoffMs, metrics,
                setAside, new DeadLetterFile(new File(settings.cdc().dataDir())), budget);
        registry.bind("pacsSimulator", simulator);
        registry.bind("cloudgateWriter", new CloudgateWriter(mysql, stopping, maxBackoffMs));
        registry.bind("factLoader", loader);
        registry.bind("loadBatchAggregation", new LoadBatchAggregation());
        registry.bind("accessEventsBatchSize", new CatchUpBatchSize(settings.maxBatchEvents(), settings.catchUpBatchRows()));
        registry.bind("connectorHealthBatchSize", new CatchUpBatchSize(settings.maxBatchHealth(), settings.catchUpBatchRows()));
        ExecutorService accessEventsWriter = BatchWriterExecutor.create("load-access-events-writer");
        ExecutorService connectorHealthWriter = BatchWriterExecutor.create("load-connector-health-writer");
        registry.bind("accessEventsWriter", accessEventsWriter);
        registry.bind("connectorHealthWriter", connectorHealthWriter);
        // the routes feeding each load route's buffer: paused while an operator has that load route stopped
        String feeder = settings.ingestMode() == IngestMode.CDC ? "consume-" : "generate-";
        registry.bind("accessEventsFeed", new FeedPause(context, List.of(feeder + "access-events")));
        registry.bind("connectorHealthFeed", new FeedPause(context, List.of(feeder + "connector-health")));

        CaptureLease lease = null;
        if (settings.ingestMode() == IngestMode.CDC) {
            GeneratorPreflight.check(mysql, settings.mysql().user(), Secrets.maskUrl(settings.mysqlJdbcUrl()), settings.cdc().mysqlTls());
            lease = addCdcRoutes(context, settings, clickHouse, metrics, setAside, budget, stopping);
            if (lease != null) {
                simulator.activeWhile(lease::held); // the demo load comes from the capturing runtime
            }
        } else {
            ClickHousePreflight.check(clickHouse, settings.clickHouseDatabase());
        }
        PipelineVerifier verifier = addVerifier(context, settings, loader);
        LiveView liveView = new LiveView(context, settings, verifier, metrics); // closed with the context, below
        registry.bind("liveView", liveView);
        CaptureLease leased = lease;
        // the management HTTP server and the routes exist once the context has started
        context.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    if (leased != null) {
                        leased.start(); // the capture routes start once Kafka gives this runtime the lease
                    }
                    metrics.bindRoutes();
                    PipelineStatusEndpoint.serve(context, verifier);
                    liveView.serve();
                } else if (event instanceof CamelEvent.CamelContextStoppedEvent) {
                    liveView.close();
                }
            }
        });
        File reloadDir = routesReloadDirectory(settings.routesReloadDirectory());
        if (reloadDir != null) {
            // only the routes of a changed file are replaced; the Java DSL routes (capture, consume) keep running
            RouteWatcherReloadStrategy reload = new RouteWatcherReloadStrategy(reloadDir.getAbsolutePath(), false);
            reload.setPattern("*.camel.yaml");
            reload.setRemoveAllRoutes(false);
            try {
                context.addService(reload, true, true);
            } catch (Exception e) {
                throw new IllegalStateException("cannot watch " + reloadDir + " for route changes: " + e.getMessage(), e);
            }
            LOG.info("Route reload: a saved change to {}/*.camel.yaml replaces those routes in the running runtime", reloadDir);
        }
        if (settings.jmxPort() > 0) {
            try {
                context.addService(new JmxRemote(settings.jmxPort(), settings.jmx(), new File(settings.cdc().dataDir())), true, true);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start remote JMX on JMX_PORT=" + settings.jmxPort() + ": " + e.getMessage(), e);
            }
        }

        // Writers and pools close when the context stops, after the routes have drained.
        try {
            context.addService(new ServiceSupport() {
                @Override
                protected void doStop() {
                    if (leased != null) {
                        leased.stop(); // after the routes: capture has committed its last changes; the lease goes to another runtime
                    }
                    verifier.close();
                    accessEventsWriter.shutdown();
                    connectorHealthWriter.shutdown();
                    awaitQuietly(accessEventsWriter);
                    awaitQuietly(connectorHealthWriter);
                    if (settings.ingestMode() == IngestMode.CDC) {
                        OffsetCommitListener.commitRemaining(context, settings.cdc().kafka(), settings.cdc().consumerGroup());
                    }
                    mysql.close();
                    clickHouse.close();
                    LOG.info("Stopped: generated {} access events and {} health rows; loaded {} rows into ClickHouse in {} batches",
                            simulator.accessEventsGenerated(), simulator.healthRowsGenerated(), loader.rowsLoaded(),
                            loader.batchesLoaded());
                }
            }, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot register connection pool shutdown", e);
        }
    }

    /** How long a stop waits for the batch writers' last inserts (part of the longest graceful stop, docs/operations.md). */
    public static final int BATCH_WRITER_DRAIN_SECONDS = 30;

    private static void awaitQuietly(ExecutorService executor) {
        try {
            if (!executor.awaitTermination(BATCH_WRITER_DRAIN_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("a batch writer is still busy after {} s; its rows are replayed at the next start", BATCH_WRITER_DRAIN_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The verify-pipeline route's bean, with its own one-connection pools and short timeouts so a
     * dead database fails its stage quickly instead of waiting behind the loader's retries.
     */
    private static PipelineVerifier addVerifier(CamelContext context, PipelineSettings settings, FactLoader loader) {
        // read-only users: the monitor may read cloudgate and the binlog position, the reader piam
        HikariDataSource mysql = Pools.create("verify-mysql", settings.mysqlJdbcUrl(), settings.mysqlMonitor(), 1, c -> {
                    c.setConnectionTimeout(3_000);
                    c.addDataSourceProperty("connectTimeout", "3000");
                    c.addDataSourceProperty("socketTimeout", "10000");
                });
        HikariDataSource clickHouse = Pools.create("verify-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouseReader(), 1, c -> {
                    c.setConnectionTimeout(3_000);
                    c.addDataSourceProperty("connect_timeout", "3000");
                    c.addDataSourceProperty("socket_timeout", "10000");
                });
        // the reconcile stage compares minutes of rows in the background: same logins, reads of up to 2 minutes
        HikariDataSource reconcileSource = Pools.create("reconcile-mysql", settings.mysqlJdbcUrl(), settings.mysqlMonitor(), 1, c -> {
                    c.setConnectionTimeout(3_000);
                    c.addDataSourceProperty("socketTimeout", "120000");
                });
        HikariDataSource reconcileTarget = Pools.create("reconcile-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouseReader(), 1,
                c -> {
                    c.setConnectionTimeout(3_000);
                    c.addDataSourceProperty("socket_timeout", "120000");
                });
        PipelineVerifier verifier = new PipelineVerifier(context, settings, loader, mysql, clickHouse, reconcileSource, reconcileTarget);
        context.getRegistry().bind("pipelineVerifier", verifier);
        PipelineStatusEndpoint.registerHealthChecks(context, verifier);
        return verifier;
    }

    /**
     * The management HTTP server (metrics, health, pipeline status) starts after this configuration;
     * Camel only warns when its port is taken, so a second runtime would run without them. Refuse instead.
     */
    static void checkManagementPortFree(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new ConfigException("Invalid configuration: MANAGEMENT_PORT='" + port + "' on MANAGEMENT_HOST='" + host
                    + "': cannot listen (" + e.getMessage() + "); another runtime may be running (make demo-down), or choose a free port");
        }
    }

    /** Preflight (fails start-up with a fix-it line), then capture-changes and the consume routes. */
    /** Adds capture (unless CAPTURE_ENABLED=false) and the consume routes; the capture lease when CAPTURE_LEASE=true. */
    private static CaptureLease addCdcRoutes(CamelContext context, PipelineSettings settings, HikariDataSource clickHouse,
            PipelineMetrics metrics, RowsSetAside setAside, LoadBudget budget, BooleanSupplier stopping) {
        PipelineSettings.Cdc cdc = settings.cdc();
        CaptureLease lease = null;
        KafkaPreflight.check(cdc);
        ClickHousePreflight.check(clickHouse, settings.clickHouseDatabase());
        try {
            if (cdc.captureEnabled()) {
                SourcePreflight.Result source = SourcePreflight.check(cdc);
                SourceFlavor flavor = source.flavor();
                SameSource.require(source.server(), cdc.mysqlHost() + ":" + cdc.mysqlPort(),
                        context.getRegistry().lookupByNameAndType("cloudgateDataSource", DataSource.class),
                        Secrets.maskUrl(settings.mysqlJdbcUrl()));
                LOG.info("Preflight passed: {} source at {}:{} (binlog ROW/FULL, capture grants), Kafka at {}, ClickHouse tables present",
                        flavor.name().toLowerCase(Locale.ROOT), cdc.mysqlHost(), cdc.mysqlPort(), cdc.kafkaBootstrap());
                CaptureLiveness liveness = new CaptureLiveness();
                String runtime = settings.runtimeName();
                KafkaChangeSender sender = cdc.captureLease()
                        ? new KafkaChangeSender(cdc.kafka(), cdc.transactionalId(), runtime)
                        : new KafkaChangeSender(cdc.kafka());
                CaptureWatchdog watchdog = new CaptureWatchdog(context, liveness, sender);
                context.getRegistry().bind("captureLiveness", liveness);
                context.getRegistry().bind("captureWatchdog", watchdog);
                SnapshotProgress snapshots = new SnapshotProgress(liveness,
                        context.getRegistry().lookupByNameAndType("cloudgateDataSource", DataSource.class), cdc.mysqlDatabase());
                context.addRoutes(new CaptureRoute(cdc, flavor, liveness, sender, watchdog, snapshots));
                context.addService(new SnapshotRequests(cdc, runtime), true, true); // JMX: snapshots on demand
                if (metrics != null) {
                    for (PipelineTable t : PipelineTable.values()) {
                        metrics.gauge("piam.capture.snapshot.rows.read", "Rows read by snapshots (initial or make snapshot) since start",
                                "table", t.source, () -> liveness.snapshotRowsRead(t.source));
                    }
                }
                if (cdc.captureLease()) {
                    lease = new CaptureLease(context, cdc.kafka(), cdc.leaseTopic(), cdc.leaseGroup(), runtime,
                            List.of(CaptureRoute.ROUTE_ID, CaptureRoute.WATCH_ROUTE_ID));
                    watchdog.leasedBy(lease);
                    sender.guardedBy(lease::confirmedByKafka);
                    context.getRegistry().bind("captureLease", lease);
                }
            } else {
                LOG.info("CAPTURE_ENABLED=false: not capturing; consuming {} and {} as written by an external Debezium Connect",
                        cdc.accessEventTopic(), cdc.connectorHealthTopic());
            }
            DeadLetterWriter deadLetters = new DeadLetterWriter(cdc.kafka());
            // started before the routes, stopped after them (Camel stops services in reverse order)
            context.addService(deadLetters, true, true);
            context.getRegistry().bind("deadLetterWriter", deadLetters);
            context.addRoutes(new ConsumeRoutes(settings, metrics, deadLetters, setAside, budget, stopping));
            return lease;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot add the CDC routes: " + e.getMessage(), e);
        }
    }

    /**
     * ROUTES_RELOAD_DIRECTORY: a directory to watch, "off", or "auto" (the default): on when the
     * runtime runs from a project checkout (classes from a directory, as with mvn camel:run) and
     * src/main/resources/routes exists; off for the packaged jar.
     */
    static File routesReloadDirectory(String setting) {
        String v = setting == null ? "" : setting.trim();
        if (v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false")) {
            return null;
        }
        if (v.isEmpty() || v.equalsIgnoreCase("auto")) {
            var source = PipelineConfiguration.class.getProtectionDomain().getCodeSource();
            boolean fromDirectory = source != null && source.getLocation() != null
                    && !source.getLocation().getPath().endsWith(".jar");
            File dir = new File("src/main/resources/routes");
            return fromDirectory && dir.isDirectory() ? dir : null;
        }
        File dir = new File(v);
        if (!dir.isDirectory()) {
            throw new ConfigException("ROUTES_RELOAD_DIRECTORY", v, "must be an existing directory of *.camel.yaml routes, auto or off");
        }
        return dir;
    }
}
