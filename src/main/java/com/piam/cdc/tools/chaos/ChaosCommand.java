package com.piam.cdc.tools.chaos;

import com.piam.cdc.config.ConfigException;
import com.piam.cdc.config.IngestMode;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.reconcile.DeadLetterKeys;
import com.piam.cdc.record.InjectedRows;
import com.piam.cdc.reconcile.Reconciler;
import com.piam.cdc.tools.RouteControl;
import com.piam.cdc.tools.ToolSettings;
import com.piam.cdc.verify.PipelineStatusEndpoint;
import com.zaxxer.hikari.HikariDataSource;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * {@code make chaos}: the fault suite. The runtime runs as {@code make demo} runs it (ops/local), its
 * generator at CHAOS_RATE; SIGKILLs at random moments, ClickHouse and Kafka outages, a MariaDB restart, a
 * source row ClickHouse rejects and a graceful stop while ClickHouse is down follow one another, each
 * timed until the runtime's verdict is HEALTHY again. Then the generators stop, the pipeline catches up,
 * and the source and ClickHouse are compared key by key over the whole run. Exit 0 only when every fault
 * was recovered from and the balance is exact: missing 0, extra 0, different 0, set aside = the injected
 * rows. A demo runtime running before is stopped first and started again at the end.
 */
public final class ChaosCommand {

    private static final List<String> GENERATORS = List.of("generate-access-events", "generate-connector-health");

    private ChaosCommand() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(Map.of(), System.out));
    }

    /** The whole run; {@code overrides}: settings over the environment (for the runtime too). 0 exact, 1 not, 2 cannot run. */
    public static int run(Map<String, String> overrides, PrintStream out) throws Exception {
        Function<String, String> base = ToolSettings.lookup();
        Function<String, String> env = k -> overrides.containsKey(k) ? overrides.get(k) : base.apply(k);
        ChaosSettings chaos;
        PipelineSettings settings;
        try {
            chaos = ChaosSettings.from(env);
            settings = PipelineSettings.from(env);
        } catch (ConfigException e) {
            out.println("chaos: " + e.getMessage());
            return 2;
        }
        if (settings.ingestMode() != IngestMode.CDC) {
            out.println("chaos: INGEST_MODE=direct has no capture, Kafka or source to balance against; make chaos runs the CDC path");
            return 2;
        }
        File root = new File("").getAbsoluteFile();
        if (!new File(root, "target/piam-cdc.jar").isFile()) {
            out.println("chaos: target/piam-cdc.jar is missing; run make build (make chaos does)");
            return 2;
        }
        File dataDir = new File(settings.cdc().dataDir()).getAbsoluteFile();
        long startMs = System.currentTimeMillis();
        long fromSec = startMs / 1000 + 1; // the run's own rows: its runtime starts now (the reconcile stage rounds up to a minute)
        int jmxPort = settings.jmxPort() > 0 ? settings.jmxPort() : freePort();
        Map<String, String> runtimeEnv = new HashMap<>(overrides);
        runtimeEnv.put("INGEST_MODE", "cdc");
        runtimeEnv.put("EVENT_RATE_PER_SECOND", String.valueOf(chaos.rate()));
        runtimeEnv.put("JMX_PORT", String.valueOf(jmxPort));
        runtimeEnv.put("VERIFY_INTERVAL_SECONDS", "5"); // recovery timed to 5 s
        runtimeEnv.put("VERIFY_SET_ASIDE_SECONDS", "10"); // the rejected row keeps the verdict DEGRADED this long
        runtimeEnv.put("RECONCILE_FROM", String.valueOf(fromSec)); // older data is not this run's to answer for
        LocalServices services = new LocalServices(root, dataDir, runtimeEnv);
        String host = settings.managementHost().equals("0.0.0.0") ? "127.0.0.1" : settings.managementHost();
        String url = "http://" + host + ":" + settings.managementPort() + PipelineStatusEndpoint.PATH;
        String runId = "chaos-" + LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));

        out.println(chaos.summary());
        boolean demoWasRunning = services.runtimeRunning();
        if (demoWasRunning) {
            out.println("The demo runtime is running: stopping it now, starting it again at the end.");
            services.stopRuntime();
        }
        try (DeadLetterKeys deadLetters = new DeadLetterKeys(settings.cdc().kafka());
             HikariDataSource writer = ToolSettings.pool("chaos-source", settings.mysqlJdbcUrl(), settings.mysql());
             HikariDataSource monitor = ToolSettings.pool("chaos-monitor", settings.mysqlJdbcUrl(), settings.mysqlMonitor());
             HikariDataSource reader = ToolSettings.pool("chaos-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouseReader());
             VerdictLog verdicts = new VerdictLog(url)) {
            Reconciler reconciler = new Reconciler(monitor, reader, settings.clickHouseDatabase(), settings.tenants(), 60,
                    t -> deadLetters.keys(DeadLetterKeys.topic(settings.cdc(), t), Duration.ofSeconds(10)));
            Random random = new Random(chaos.seed());
            FaultInjector injector = new FaultInjector(services, chaos, random, writer, settings.tenants().get(0), runId);

            services.startRuntime(true);
            out.printf("Runtime started (JMX %d, verdict %s); waiting for HEALTHY with rows flowing%n", jmxPort, url);
            if (verdicts.awaitRecovered(startMs, chaos.recoverySeconds() * 1000L).isEmpty()) {
                out.println("chaos: the pipeline is not HEALTHY before any fault (" + verdicts.latest().map(VerdictLog.Sample::describe)
                        .orElse("no verdict") + "); make demo-verify tells why. Nothing was injected.");
                return 1;
            }
            out.printf("HEALTHY after %s. Faults:%n", ChaosReport.seconds(System.currentTimeMillis() - startMs));
            List<ChaosRun.Step> steps = new ChaosRun(chaos, injector, verdicts, random, out).run(startMs);

            Map<String, String> jmxEnv = new HashMap<>(System.getenv());
            jmxEnv.putAll(overrides);
            jmxEnv.put("PIAM_DATA_DIR", dataDir.getPath());
            for (String route : GENERATORS) {
                RouteControl.act(jmxPort, RouteControl.credentials(jmxEnv), "suspend", route);
            }
            long stopMs = System.currentTimeMillis();
            long untilSec = stopMs / 1000 + 1;
            out.printf("Generators stopped at %s; waiting for the pipeline to catch up%n", time(stopMs / 1000));
            String dlq = DeadLetterKeys.topic(settings.cdc(), PipelineTable.ACCESS_EVENTS);
            long deadline = stopMs + chaos.catchUpSeconds() * 1000L;
            while (System.currentTimeMillis() < deadline && !(Balance.windowsBalance(reconciler, fromSec, untilSec)
                    && deadLetters.keys(dlq, Duration.ofSeconds(10)).keySet().containsAll(injector.rejectedIds()))) {
                Thread.sleep(5_000);
            }
            long catchUpMs = System.currentTimeMillis() - stopMs;
            Balance balance = Balance.of(reconciler, fromSec, untilSec, injector.rejectedIds(),
                    deadLetters.keys(dlq, Duration.ofSeconds(10)));
            ChaosReport.table(steps, out);
            ChaosReport.balance(balance, time(fromSec) + " - " + time(untilSec) + " UTC", catchUpMs, out);
            for (String id : injector.rejectedIds()) { // the verdict (and the live view, which shows it) names it as injected
                out.printf("  the verdict named %s: %s%n", id, verdicts.firstReasonWith(InjectedRows.namedIn(id).orElseThrow())
                        .orElse("never (set aside and out of VERIFY_SET_ASIDE_SECONDS between two verdicts)"));
            }
            boolean allFaults = steps.size() == chaos.sequence().size() && steps.stream().allMatch(ChaosRun.Step::recovered);
            if (!allFaults) {
                out.println("NOT every fault was recovered from (see the table)");
            }
            return allFaults && balance.exact() ? 0 : 1;
        } finally {
            for (String service : List.of("mysql", "clickhouse", "kafka")) {
                services.stack("up", service); // a fault interrupted midway leaves nothing down
            }
            services.stopRuntime();
            if (demoWasRunning) {
                services.startRuntime(false);
                out.println("The demo runtime runs again.");
            }
        }
    }

    /** "2026-11-30 14:03:07" (UTC). */
    private static String time(long epochSec) {
        return LocalDateTime.ofEpochSecond(epochSec, 0, ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
