package com.piam.cdc.verify;

import com.piam.cdc.config.IngestMode;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.load.FactLoader;
import com.piam.cdc.reconcile.DeadLetterKeys;
import com.piam.cdc.reconcile.Reconciler;
import com.piam.cdc.verify.PipelineStatus.Overall;
import org.apache.camel.CamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The verify-pipeline route's bean: runs every stage (one class each, behind {@link Stage}) and says
 * HEALTHY, SNAPSHOTTING, DEGRADED or DOWN with a reason per failing stage that tells the operator where to look.
 * The stages, in report order: routes, mysql, capture, binlog, kafka (CDC mode; capture and binlog only
 * when this runtime captures), loader, rejected, clickhouse, freshness, reconcile (CDC mode). The list built here is the one order there is:
 * the report, the JSON and the Camel health checks all follow it.
 */
public class PipelineVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineVerifier.class);
    /** Every probe's timeout: a dead service fails its stage instead of hanging the verifier. */
    static final int TIMEOUT_SECONDS = 5;

    private final PipelineSettings settings;
    private final MysqlProbe mysqlProbe;
    private final ClickHouseProbe clickHouseProbe;
    private final List<Stage> stages;
    private final List<DataSource> pools;
    private volatile PipelineStatus last;
    /** Verifications asked over HTTP: concurrent ones share one run, and at most one starts per second. */
    private final CoalescedRun<PipelineStatus> refreshes = new CoalescedRun<>(this::verify, this::last, PipelineStatus::checkedAtMs,
            1_000, System::currentTimeMillis);

    /**
     * {@code mysql}: the monitor user's pool; {@code clickHouse}: the reader's; the reconcile pair the same
     * logins with long reads (CDC mode). All are closed by {@link #close()}.
     */
    public PipelineVerifier(CamelContext context, PipelineSettings settings, FactLoader loader, DataSource mysql,
            DataSource clickHouse, DataSource reconcileSource, DataSource reconcileTarget) {
        this.settings = settings;
        long startedMs = System.currentTimeMillis();
        long staleMs = settings.verify().staleSeconds() * 1000L;
        boolean cdc = settings.ingestMode() == IngestMode.CDC;
        boolean capture = cdc && settings.cdc().captureEnabled();
        Routes routes = new Routes(context);
        this.mysqlProbe = new MysqlProbe(mysql, settings.cdc().mysqlHost() + ":" + settings.cdc().mysqlPort(), capture);
        String clickHouseServer = VerifyText.hostPort(settings.clickHouseJdbcUrl());
        this.clickHouseProbe = new ClickHouseProbe(clickHouse, settings.clickHouseDatabase(), settings.tenants(), clickHouseServer,
                settings.verify().reconcile().fromSec());

        List<Stage> list = new ArrayList<>();
        list.add(new RoutesStage(context));
        KafkaStage kafka = null;
        if (cdc) {
            list.add(new MysqlStage(settings.cdc().mysqlHost() + ":" + settings.cdc().mysqlPort(), staleMs, startedMs, routes));
            if (capture) {
                list.add(new CaptureStage(context, staleMs, startedMs));
                list.add(new BinlogStage(context, settings.verify().binlogMarginMinutes()));
            }
            kafka = new KafkaStage(context, settings);
            list.add(kafka);
        }
        list.add(new LoaderStage(settings, loader, routes, startedMs));
        KafkaStage deadLetterSource = kafka;
        list.add(new RejectedStage(context, loader.setAside(), settings.clickHouseDatabase(), settings.verify().setAsideSeconds() * 1000L,
                () -> deadLetterSource == null ? Map.of() : deadLetterSource.deadLettersRecent()));
        list.add(new ClickHouseStage(clickHouseServer, staleMs, Math.max(staleMs, 3000L * settings.healthIntervalSeconds())));
        list.add(new FreshnessStage(settings.verify().maxFreshnessSeconds()));
        if (cdc) {
            // its own read-only logins' pools with long reads: a pass may take longer than the probes' 5 s
            DeadLetterKeys deadLetters = new DeadLetterKeys(settings.cdc().kafka(),
                    DeadLetterKeys.Bound.forLookback(settings.verify().reconcile().lookbackMinutes()));
            list.add(new ReconcileStage(new Reconciler(reconcileSource, reconcileTarget, settings.clickHouseDatabase(), settings.tenants(),
                    120, t -> deadLetters.keys(DeadLetterKeys.topic(settings.cdc(), t), Duration.ofSeconds(10))),
                    settings.verify().reconcile(), settings.verify().maxFreshnessSeconds(), deadLetters,
                    new java.io.File(settings.cdc().dataDir())));
        }
        this.stages = List.copyOf(list);
        this.pools = java.util.Arrays.asList(mysql, clickHouse, reconcileSource, reconcileTarget);
    }

    /** The latest verdict (null before the first check). */
    public PipelineStatus last() {
        return last;
    }

    /** The stages verify() reports for these settings, in report order (one Camel health check each). */
    public List<String> stageNames() {
        return stages.stream().map(Stage::name).toList();
    }

    /**
     * A verdict for /observe/pipeline?refresh=true: a call while a check runs gets that check's verdict, a call less
     * than a second after the newest check began gets that one; otherwise it checks now. Anyone may call the endpoint;
     * ten at once cost one check.
     */
    public PipelineStatus refresh() {
        return refreshes.get();
    }

    /** Checks every stage now (one check at a time); called by the verify-pipeline timer and by {@link #refresh()}. */
    public synchronized PipelineStatus verify() {
        long now = System.currentTimeMillis();
        VerifyRound round = new VerifyRound(now, mysqlProbe::read, clickHouseProbe::read);
        List<StageStatus> results = stages.stream().map(s -> s.check(round)).toList();
        ClickHouseProbe.Facts target = round.clickHouse();
        Overall overall = PipelineStatus.of(results, target.error == null && target.accessRows10m == 0 && target.healthRows10m == 0);
        PipelineStatus status = new PipelineStatus(overall, now, System.currentTimeMillis() - now,
                settings.ingestMode().name().toLowerCase(Locale.ROOT), results);
        report(last, status);
        last = status;
        return status;
    }

    private static void report(PipelineStatus before, PipelineStatus now) {
        // log a change of verdict or of the failing stages, not every new figure in a reason
        boolean changed = before == null || before.overall() != now.overall() || !failing(before).equals(failing(now));
        if (!changed) {
            return;
        }
        if (now.overall() == Overall.HEALTHY) {
            LOG.info("verify-pipeline: HEALTHY ({} stages OK)", now.stages().size());
        } else if (now.overall() == Overall.SNAPSHOTTING) {
            LOG.info("verify-pipeline: SNAPSHOTTING: {}{}", String.join("; ", now.snapshots()),
                    now.reasons().isEmpty() ? "" : " (meanwhile: " + now.reasons() + ")");
        } else {
            LOG.warn("verify-pipeline: {}: {}", now.overall(), now.reasons());
        }
    }

    private static List<String> failing(PipelineStatus s) {
        return s.stages().stream().filter(x -> !x.ok()).map(StageStatus::stage).toList();
    }

    /** Releases the stages' clients and the verifier's own database pools (on shutdown). */
    public synchronized void close() {
        stages.forEach(Stage::close);
        pools.forEach(PipelineVerifier::closeQuietly);
    }

    static void closeQuietly(DataSource ds) {
        if (ds instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing a verifier pool: {}", e.toString());
            }
        }
    }
}
