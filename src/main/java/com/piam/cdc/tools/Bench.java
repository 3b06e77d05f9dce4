package com.piam.cdc.tools;

import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.config.PipelineSettings;

import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * `make bench`: the packaged runtime on the local stack, measured from outside.
 *
 * <ol>
 *   <li>Throughput, once with 200-row batches and once with a larger-batch profile: the runtime's
 *   generator runs flat out (BENCH_RATE, default 20000/s asked; MySQL's insert speed is the real
 *   limit) for BENCH_SECONDS, then the generator route is stopped over JMX and the bench waits until
 *   every row committed in MySQL is visible in ClickHouse. End-to-end events/s = rows / (first
 *   commit .. last row visible).</li>
 *   <li>Freshness at the demo rate (10 events/s) for BENCH_FRESHNESS_SECONDS: per row, first ClickHouse
 *   ingest time minus its event time (taken just before the MySQL commit); p50/p95/p99.</li>
 *   <li>Runtime RSS, sampled from /proc every second during each phase.</li>
 * </ol>
 * Rows are told apart by event time: the bench refuses to run while another runtime writes.
 */
public final class Bench {

    private static final String JAR = "target/piam-cdc.jar";

    private final PipelineSettings settings;
    private final Function<String, String> lookup;
    private final List<String> report = new ArrayList<>();
    /** Each profiled phase's lines, printed again after the results (BenchProfile). */
    private final Map<String, List<String>> profiles = new java.util.LinkedHashMap<>();

    private Bench(Function<String, String> lookup) {
        this.lookup = lookup;
        this.settings = PipelineSettings.from(lookup);
    }

    public static void main(String[] args) throws Exception {
        new Bench(ToolSettings.lookup()).run();
    }

    private void run() throws Exception {
        int seconds = intSetting("BENCH_SECONDS", 30);
        int freshnessSeconds = intSetting("BENCH_FRESHNESS_SECONDS", 60);
        int largeBatch = intSetting("BENCH_LARGE_BATCH", 5000);
        String rate = setting("BENCH_RATE", "20000");
        System.out.printf("bench: runtime %s against MySQL %s, Kafka %s, ClickHouse %s%n", JAR,
                settings.mysqlJdbcUrl(), settings.cdc().kafkaBootstrap(), settings.clickHouseJdbcUrl().replaceFirst("\\?.*", ""));

        drainBacklog();
        // fixed batch sizes (no catch-up batches): comparable with the figures of earlier builds
        throughput("200-row batches", rate, seconds, Map.of("MAX_BATCH_EVENTS", "200", "CATCH_UP_BATCH_ROWS", "200"));
        throughput(largeBatch + "-row batches", rate, seconds, Map.of("MAX_BATCH_EVENTS", String.valueOf(largeBatch),
                "CATCH_UP_BATCH_ROWS", String.valueOf(largeBatch), "MAX_BUFFERED_ROWS", String.valueOf(Math.max(4 * largeBatch, 5000))));
        backlog(rate, seconds);
        direct(rate, seconds);
        freshness(freshnessSeconds);

        System.out.println();
        System.out.println("=== bench results (" + Runtime.getRuntime().availableProcessors() + " cores) ===");
        report.forEach(System.out::println);
        profiles.forEach((phase, lines) -> {
            System.out.println();
            System.out.println("profile, " + phase + ":");
            lines.forEach(l -> System.out.println("  " + l));
        });
    }

    private void throughput(String profile, String rate, int seconds, Map<String, String> env) throws Exception {
        System.out.printf("%n--- throughput, %s: generator asked for %s/s for %d s ---%n", profile, rate, seconds);
        Map<String, String> runEnv = new java.util.HashMap<>(env);
        runEnv.put("EVENT_RATE_PER_SECOND", rate);
        try (RuntimeProcess runtime = RuntimeProcess.start(runEnv)) {
            long since = runtime.startedMs;
            awaitFirstRow(runtime, since);
            long firstRows = clickHouseRowsSince(since);
            CpuWindow cpu = new CpuWindow(runtime, firstRows);
            BenchProfile threads = profile(runtime, "throughput-" + env.get("MAX_BATCH_EVENTS"));
            long windowStart = System.currentTimeMillis();
            long windowEnd = windowStart + seconds * 1000L;
            while (System.currentTimeMillis() < windowEnd) {
                runtime.sampleRss();
                if (threads != null) {
                    threads.sample();
                }
                Thread.sleep(1000);
                System.out.printf("  %3d s: MySQL %,d rows, ClickHouse %,d rows%n", (System.currentTimeMillis() - windowStart) / 1000,
                        mysqlRowsSince(since), clickHouseRowsSince(since));
            }
            if (threads != null) {
                threads.sample(); // the generator's thread ends with its route
            }
            runtime.stopRoute("generate-access-events");
            long generated = mysqlRowsSince(since);
            System.out.printf("  generator stopped: %,d rows committed in MySQL; waiting for all of them in ClickHouse%n", generated);
            long deadline = System.currentTimeMillis() + 600_000;
            long loaded;
            while ((loaded = clickHouseRowsSince(since)) < generated) {
                runtime.sampleRss();
                if (threads != null) {
                    threads.sample();
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("only " + loaded + " of " + generated + " rows reached ClickHouse in 10 min");
                }
                Thread.sleep(500);
            }
            String cpuFigures = cpu.figures(loaded);
            printProfile(threads, "throughput, " + profile + " (generator included)", loaded - firstRows);
            long[] commits = mysqlTimeRange(since); // first and last event time (commit follows within ms)
            long[] visible = clickHouseIngestRange(since);
            double e2e = generated * 1000.0 / Math.max(1, visible[1] - commits[0]);
            double commitRate = generated * 1000.0 / Math.max(1, commits[1] - commits[0]);
            report.add(String.format(Locale.ROOT,
                    "throughput, %-16s %,8.0f events/s end to end (%,d rows: first MySQL commit -> last visible in ClickHouse %.1f s); generator committed %,.0f events/s; runtime RSS max %d MB; %s",
                    profile + ":", e2e, generated, (visible[1] - commits[0]) / 1000.0, commitRate, runtime.maxRssMb, cpuFigures));
            System.out.println("  " + report.get(report.size() - 1));
        }
    }

    /**
     * The loader's own capacity: INGEST_MODE=direct (generator -> aggregator -> ClickHouse, no MySQL,
     * Debezium or Kafka) flat out with 200-row batches; rows visible in ClickHouse per second.
     */
    private void direct(String rate, int seconds) throws Exception {
        System.out.printf("%n--- direct mode (no MySQL/Kafka), 200-row batches, generator asked for %s/s for %d s ---%n", rate, seconds);
        try (RuntimeProcess runtime = RuntimeProcess.start(Map.of("INGEST_MODE", "direct", "EVENT_RATE_PER_SECOND", rate,
                "MAX_BATCH_EVENTS", "200", "CATCH_UP_BATCH_ROWS", "200"))) {
            long since = runtime.startedMs;
            awaitFirstRow(runtime, since);
            long windowStart = System.currentTimeMillis();
            long first = clickHouseRowsSince(since);
            CpuWindow cpu = new CpuWindow(runtime, first);
            while (System.currentTimeMillis() < windowStart + seconds * 1000L) {
                runtime.sampleRss();
                Thread.sleep(1000);
            }
            long now = clickHouseRowsSince(since);
            String cpuFigures = cpu.figures(now);
            long rows = now - first;
            double perSecond = rows * 1000.0 / (System.currentTimeMillis() - windowStart);
            report.add(String.format(Locale.ROOT,
                    "direct mode, 200-row batches: %,8.0f rows/s loaded into ClickHouse (%,d rows in %d s; the loader's capacity without the CDC path); runtime RSS max %d MB; %s",
                    perSecond, rows, seconds, runtime.maxRssMb, cpuFigures));
            System.out.println("  " + report.get(report.size() - 1));
        }
    }

    /**
     * Pipeline capacity without the generator competing for the CPU: the generator fills MySQL for
     * BENCH_SECONDS with capture off, then a normal runtime drains that backlog.
     */
    private void backlog(String rate, int seconds) throws Exception {
        System.out.printf("%n--- backlog drain: generator alone for %d s (capture off), then capture + load with the default batches "
                + "(200 rows, up to CATCH_UP_BATCH_ROWS while rows wait) ---%n", seconds);
        long since;
        try (RuntimeProcess generator = RuntimeProcess.start(Map.of("EVENT_RATE_PER_SECOND", rate, "CAPTURE_ENABLED", "false"))) {
            since = generator.startedMs;
            long deadline = System.currentTimeMillis() + 120_000;
            while (mysqlRowsSince(since) == 0) {
                if (!generator.process.isAlive() || System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the generator wrote nothing to MySQL; see " + generator.log);
                }
                Thread.sleep(250);
            }
            Thread.sleep(seconds * 1000L);
            generator.stopRoute("generate-access-events");
        }
        long generated = mysqlRowsSince(since);
        long[] commits = mysqlTimeRange(since);
        System.out.printf("  %,d rows waiting in MySQL (generator alone: %,.0f events/s)%n", generated,
                generated * 1000.0 / Math.max(1, commits[1] - commits[0]));
        try (RuntimeProcess runtime = RuntimeProcess.start(Map.of("MAX_BATCH_EVENTS", "200"))) {
            long deadline = System.currentTimeMillis() + 600_000;
            long loaded;
            CpuWindow cpu = null; // from the first row loaded: the start-up is not the pipeline's cost
            BenchProfile profile = null;
            long firstRows = 0;
            while ((loaded = clickHouseRowsSince(since)) < generated) {
                runtime.sampleRss();
                if (cpu == null && loaded > 0) {
                    cpu = new CpuWindow(runtime, loaded);
                    profile = profile(runtime, "backlog");
                    firstRows = loaded;
                } else if (profile != null) {
                    profile.sample();
                }
                if (System.currentTimeMillis() > deadline || !runtime.process.isAlive()) {
                    throw new IllegalStateException("only " + loaded + " of " + generated + " rows reached ClickHouse; see " + runtime.log);
                }
                Thread.sleep(500);
            }
            String cpuFigures = cpu == null ? "CPU not measured (drained before the first reading)" : cpu.figures(loaded);
            printProfile(profile, "backlog drain (the pipeline alone)", loaded - firstRows);
            long[] visible = clickHouseIngestRange(since);
            double rate200 = generated * 1000.0 / Math.max(1, visible[1] - visible[0]);
            report.add(String.format(Locale.ROOT,
                    "backlog drain, default batches: %,6.0f events/s (%,d rows: first -> last visible in ClickHouse %.1f s, start-up excluded); runtime RSS max %d MB; %s",
                    rate200, generated, (visible[1] - visible[0]) / 1000.0, runtime.maxRssMb, cpuFigures));
            System.out.println("  " + report.get(report.size() - 1));
        }
    }

    /**
     * Rows that earlier runs left in MySQL but not yet in ClickHouse (a runtime stopped mid-backlog)
     * would be drained inside the first phase and spoil its figures: a runtime with the generator
     * off drains them first, until MySQL's newest row is visible in ClickHouse.
     */
    private void drainBacklog() throws Exception {
        String[] newest = newestMysqlRow();
        if (newest == null || clickHouseHas(newest)) {
            return;
        }
        System.out.printf("%n--- backlog left by earlier runs: MySQL's newest row (%s at %s) is not in ClickHouse yet; "
                + "draining it first, generator off ---%n", newest[1], newest[2]);
        try (RuntimeProcess runtime = RuntimeProcess.start(Map.of("EVENT_RATE_PER_SECOND", "0.001"))) {
            long start = System.currentTimeMillis();
            long rows = clickHouseRows();
            long progressAt = start;
            long printedAt = start;
            while (!clickHouseHas(newest)) {
                if (!runtime.process.isAlive()) {
                    throw new IllegalStateException("the runtime exited with " + runtime.process.exitValue() + "; see " + runtime.log);
                }
                Thread.sleep(2000);
                long now = System.currentTimeMillis();
                long r = clickHouseRows();
                if (r != rows) {
                    rows = r;
                    progressAt = now;
                } else if (now - progressAt > 120_000) {
                    throw new IllegalStateException("the backlog stopped draining (ClickHouse unchanged for 2 min, MySQL's newest row "
                            + newest[1] + " still missing); see " + runtime.log + ", or start from empty tables: ops/local/stack.sh reset");
                }
                if (now - printedAt >= 10_000) {
                    printedAt = now;
                    System.out.printf("  %3d s: ClickHouse %,d rows%n", (now - start) / 1000, rows);
                }
            }
            System.out.printf("  backlog drained in %.0f s%n", (System.currentTimeMillis() - start) / 1000.0);
        }
    }

    /** The newest access event in MySQL of the configured tenants: tenant, event_id, event time; null when none. */
    private String[] newestMysqlRow() throws Exception {
        String[] newest = null;
        try (Connection c = mysql(); PreparedStatement ps = c.prepareStatement(
                "SELECT event_id, event_time FROM cg_access_event WHERE tenant_id = ? ORDER BY event_time DESC LIMIT 1")) {
            for (String tenant : settings.tenants()) {
                ps.setString(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && (newest == null || rs.getString(2).compareTo(newest[2]) > 0)) {
                        newest = new String[] {tenant, rs.getString(1), rs.getString(2)};
                    }
                }
            }
        }
        return newest;
    }

    /** Whether ClickHouse holds the row {tenant, event_id} (a primary-key lookup). */
    private boolean clickHouseHas(String[] row) throws Exception {
        return clickHouseLongs(ClickHouseQueries.accessEventPresent(settings.clickHouseDatabase(), row[0], row[1]))[0] > 0;
    }

    /** All rows of the fact table, replays included: a progress figure only. */
    private long clickHouseRows() throws Exception {
        return clickHouseLongs(ClickHouseQueries.accessEventRows(settings.clickHouseDatabase()))[0];
    }

    private void freshness(int seconds) throws Exception {
        System.out.printf("%n--- freshness at 10 events/s for %d s ---%n", seconds);
        try (RuntimeProcess runtime = RuntimeProcess.start(Map.of("EVENT_RATE_PER_SECOND", "10"))) {
            long since = runtime.startedMs;
            awaitFirstRow(runtime, since);
            long from = System.currentTimeMillis() + 5_000; // past the start-up
            long end = from + seconds * 1000L;
            while (System.currentTimeMillis() < end) {
                runtime.sampleRss();
                Thread.sleep(1000);
            }
            runtime.stopRoute("generate-access-events");
            long until = System.currentTimeMillis();
            Thread.sleep(settings.flushIntervalMillis() + 3000L); // the last partial batch
            runtime.sampleRss();
            try (Connection ch = clickHouse(); Statement st = ch.createStatement(); ResultSet rs = st.executeQuery(
                    ClickHouseQueries.freshnessBetween(settings.clickHouseDatabase(), from, until))) {
                rs.next();
                String q = rs.getString(2).replaceAll("[\\[\\]]", "");
                String[] p = q.split(",");
                report.add(String.format(Locale.ROOT,
                        "freshness at 10 events/s: p50 %.2f s, p95 %.2f s, p99 %.2f s, max %.2f s over %d rows (ClickHouse ingest - MySQL event time); runtime RSS %d MB (max %d MB)",
                        Long.parseLong(p[0].trim()) / 1000.0, Long.parseLong(p[1].trim()) / 1000.0, Long.parseLong(p[2].trim()) / 1000.0,
                        rs.getLong(3) / 1000.0, rs.getLong(1), runtime.lastRssMb, runtime.maxRssMb));
            }
            System.out.println("  " + report.get(report.size() - 1));
        }
    }

    private void awaitFirstRow(RuntimeProcess runtime, long since) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (clickHouseRowsSince(since) == 0) {
            if (!runtime.process.isAlive()) {
                throw new IllegalStateException("the runtime exited with " + runtime.process.exitValue() + "; see " + runtime.log);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("no rows in ClickHouse 2 min after start; see " + runtime.log);
            }
            Thread.sleep(250);
        }
    }

    // --- measurements -------------------------------------------------------------------------

    private long mysqlRowsSince(long sinceMs) throws Exception {
        try (Connection c = mysql(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM cg_access_event WHERE " + sinceSql())) {
            bindSince(ps, sinceMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private long[] mysqlTimeRange(long sinceMs) throws Exception {
        try (Connection c = mysql(); PreparedStatement ps = c.prepareStatement(
                "SELECT min(event_time), max(event_time) FROM cg_access_event WHERE " + sinceSql())) {
            bindSince(ps, sinceMs);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {
                        rs.getObject(1, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli(),
                        rs.getObject(2, LocalDateTime.class).toInstant(ZoneOffset.UTC).toEpochMilli()};
            }
        }
    }

    /**
     * The bench's own queries must not load the machine they measure: on a table of millions of rows a
     * bare {@code event_time >= ?} scans the whole index every poll (seconds of MariaDB CPU). Naming the
     * tenants turns it into ranges of idx_tenant_time (only the bench's rows are read), and the
     * {@code event_time} bound on the ClickHouse side lets it skip every older part by its minmax index.
     */
    private String sinceSql() {
        return "tenant_id IN (" + String.join(", ", Collections.nCopies(settings.tenants().size(), "?"))
                + ") AND event_time >= ?";
    }

    private void bindSince(PreparedStatement ps, long sinceMs) throws Exception {
        List<String> tenants = settings.tenants();
        for (int i = 0; i < tenants.size(); i++) {
            ps.setString(i + 1, tenants.get(i));
        }
        ps.setObject(tenants.size() + 1, LocalDateTime.ofEpochSecond(sinceMs / 1000, (int) (sinceMs % 1000) * 1_000_000, ZoneOffset.UTC));
    }

    /** Distinct rows (exact under replay) generated since the given time that ClickHouse holds. */
    private long clickHouseRowsSince(long sinceMs) throws Exception {
        return clickHouseLongs(ClickHouseQueries.accessEventsSince(settings.clickHouseDatabase(), sinceMs))[0];
    }

    /** First and last time a row generated since the given time first became visible in ClickHouse. */
    private long[] clickHouseIngestRange(long sinceMs) throws Exception {
        return clickHouseLongs(ClickHouseQueries.ingestRangeSince(settings.clickHouseDatabase(), sinceMs));
    }

    private long[] clickHouseLongs(String sql) throws Exception {
        try (Connection c = clickHouse(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }

    private Connection mysql() throws Exception {
        return DriverManager.getConnection(settings.mysqlJdbcUrl(), settings.mysql().user(), settings.mysql().password());
    }

    private Connection clickHouse() throws Exception {
        return DriverManager.getConnection(settings.clickHouseJdbcUrl(), settings.clickHouse().user(), settings.clickHouse().password());
    }

    private String setting(String key, String fallback) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private int intSetting(String key, int fallback) {
        String v = setting(key, String.valueOf(fallback));
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + "=" + v + ": must be a whole number greater than 0");
    }

    /**
     * CPU between two readings of /proc: the runtime process's (per row loaded in between) and the
     * whole machine's (cores busy). Per-row CPU is the steadier figure: throughput moves ±20% from run
     * to run with ClickHouse's merges, the runtime's CPU per row much less.
     */
    /**
     * Per thread group CPU and allocation of a phase (always), and with BENCH_PROFILE=true a JFR profile of it written to
     * $PIAM_DATA_DIR/bench/&lt;phase&gt;.jfr (top frames, allocation sites, exceptions); null when JMX cannot be reached.
     */
    private BenchProfile profile(RuntimeProcess runtime, String phase) {
        try {
            Path jfr = null;
            if (Boolean.parseBoolean(setting("BENCH_PROFILE", "false"))) {
                File dir = new File(dataDir(), "bench");
                dir.mkdirs();
                jfr = new File(dir, phase + ".jfr").toPath();
            }
            return BenchProfile.start(runtime.jmxPort, runtime.process.pid(), dataDir(), jfr);
        } catch (Exception e) {
            System.out.println("  (no profile of this phase: " + e + ")");
            return null;
        }
    }

    private void printProfile(BenchProfile profile, String phase, long rows) {
        if (profile == null || rows <= 0) {
            return;
        }
        try {
            List<String> lines = profile.report(rows);
            lines.forEach(l -> System.out.println("  " + l));
            profiles.put(phase, lines);
        } catch (Exception e) {
            System.out.println("  (profile not read: " + e + ")");
        }
    }

    private static File dataDir() {
        return new File(System.getenv().getOrDefault("PIAM_DATA_DIR", ".local"));
    }

    private static final class CpuWindow {
        private static final double TICKS_PER_SECOND = 100; // Linux USER_HZ
        private final RuntimeProcess runtime;
        private final long rows;
        private final long processTicks;
        private final long[] machine;

        /** Starts the window now, with rowsLoaded rows already in ClickHouse. */
        CpuWindow(RuntimeProcess runtime, long rowsLoaded) {
            this.runtime = runtime;
            this.rows = rowsLoaded;
            this.processTicks = runtime.cpuTicks();
            this.machine = machineTicks();
        }

        /** "runtime CPU N µs per row, machine X of N cores busy"; empty figures where /proc cannot be read. */
        String figures(long rowsLoaded) {
            long ticks = runtime.cpuTicks() - processTicks;
            long[] now = machineTicks();
            long loaded = rowsLoaded - rows;
            int cores = Runtime.getRuntime().availableProcessors();
            if (processTicks < 0 || ticks < 0 || machine == null || now == null || loaded <= 0) {
                return "CPU not measured (no /proc)";
            }
            double busy = (double) (now[0] - machine[0]) / Math.max(1, now[1] - machine[1]) * cores;
            return String.format(Locale.ROOT, "runtime CPU %,.0f µs per row, machine %.2f of %d cores busy",
                    ticks / TICKS_PER_SECOND * 1e6 / loaded, busy, cores);
        }

        /** {busy, total} jiffies of all CPUs from /proc/stat; null without it. */
        private static long[] machineTicks() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) { // user nice system idle iowait irq softirq steal
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new long[] {total - idle, total};
            } catch (Exception e) {
                return null;
            }
        }
    }

    /** The packaged runtime as its own process (as ops/local/runtime.sh runs it), with JMX on a free local port. */
    private static final class RuntimeProcess implements AutoCloseable {
        final Process process;
        final File log;
        final long startedMs;
        final int jmxPort;
        long maxRssMb;
        long lastRssMb;

        private RuntimeProcess(Process process, File log, long startedMs, int jmxPort) {
            this.process = process;
            this.log = log;
            this.startedMs = startedMs;
            this.jmxPort = jmxPort;
        }

        static RuntimeProcess start(Map<String, String> env) throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            File log = File.createTempFile("piam-bench-runtime-", ".log");
            List<String> cmd = new ArrayList<>(List.of("java"));
            // the runtime's own JVM options (ops/runtime.jvm), as make demo and the Docker image use them
            String javaOpts = System.getenv().getOrDefault("JAVA_OPTS", "@" + Path.of("ops/runtime.jvm").toAbsolutePath());
            cmd.addAll(List.of(javaOpts.trim().split("\\s+")));
            cmd.addAll(List.of("-Dcom.sun.management.jmxremote.port=" + port, "-Dcom.sun.management.jmxremote.rmi.port=" + port,
                    "-Dcom.sun.management.jmxremote.host=127.0.0.1", "-Djava.rmi.server.hostname=127.0.0.1",
                    "-Dcom.sun.management.jmxremote.authenticate=false", "-Dcom.sun.management.jmxremote.ssl=false",
                    "-jar", new File(JAR).getAbsolutePath()));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log);
            pb.environment().putIfAbsent("PIAM_DATA_DIR", new File(".local").getAbsolutePath());
            pb.environment().putIfAbsent("MALLOC_ARENA_MAX", "2"); // as ops/local/runtime.sh starts it
            pb.environment().put("INGEST_MODE", "cdc");
            // streaming is measured here: a first start's snapshot would read again the rows the generator wrote while
            // the runtime started (make snapshot-bench measures snapshots)
            pb.environment().putIfAbsent("CAPTURE_SNAPSHOT_MODE", "when_needed");
            pb.environment().putAll(env);
            long started = System.currentTimeMillis();
            System.out.printf("  runtime started (%s), log %s%n", env, log);
            return new RuntimeProcess(pb.start(), log, started, port);
        }

        void sampleRss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        lastRssMb = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                        maxRssMb = Math.max(maxRssMb, lastRssMb);
                    }
                }
            } catch (Exception e) {
                // process gone or no /proc: RSS stays unreported (0)
            }
        }

        /** User + system CPU of the process in clock ticks (/proc/PID/stat); -1 when it cannot be read. */
        long cpuTicks() {
            return BenchProfile.ticks(process.pid());
        }

        /** Stops one route over JMX, as an operator would from JConsole. */
        void stopRoute(String routeId) throws Exception {
            JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
            try (JMXConnector connector = JMXConnectorFactory.connect(url)) {
                MBeanServerConnection mbeans = connector.getMBeanServerConnection();
                ObjectName route = mbeans.queryNames(new ObjectName("org.apache.camel:type=routes,name=\"" + routeId + "\",*"), null)
                        .stream().findFirst().orElseThrow(() -> new IllegalStateException("no JMX MBean for route " + routeId));
                mbeans.invoke(route, "stop", null, null);
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
