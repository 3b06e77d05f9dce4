package com.piam.cdc.it;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The packaged runtime (target/piam-cdc.jar) as a separate process, the way `make demo` runs it. */
final class RuntimeProcess {

    /** Every runtime started and not yet seen ended: a failed assertion may skip a test's stop ({@link LeftoverRuntimes}). */
    private static final Set<RuntimeProcess> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RuntimeProcess::killLeftovers, "kill-leftover-runtimes"));
    }

    final Process process;
    final File log;
    /** The runtime's management port (metrics, health, /observe/pipeline). */
    final int managementPort;

    private RuntimeProcess(Process process, File log, int managementPort) {
        this.process = process;
        this.log = log;
        this.managementPort = managementPort;
    }

    /** With the JVM options `make demo` uses (ops/runtime.jvm: 192 MB heap, serial GC, C1 only: quick to start on 2 cores). */
    static RuntimeProcess start(Map<String, String> env) throws Exception {
        return start(env, "@" + new File("ops/runtime.jvm").getAbsolutePath());
    }

    /** The same as {@link #start}, named where the test is about the demo's own settings (memory). */
    static RuntimeProcess startAsDemo(Map<String, String> env) throws Exception {
        return start(env);
    }

    private static RuntimeProcess start(Map<String, String> env, String jvmOptions) throws Exception {
        File log = File.createTempFile("piam-runtime", ".log");
        ProcessBuilder pb = new ProcessBuilder("java", jvmOptions, "-jar", new File("target/piam-cdc.jar").getAbsolutePath())
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("PIAM_DATA_DIR", new File(System.getenv().getOrDefault("PIAM_DATA_DIR", ".local")).getAbsolutePath());
        pb.environment().putAll(env);
        pb.environment().putIfAbsent("MANAGEMENT_PORT", String.valueOf(PipelineITSupport.freePort()));
        RuntimeProcess started = new RuntimeProcess(pb.start(), log, Integer.parseInt(pb.environment().get("MANAGEMENT_PORT")));
        STARTED.add(started);
        return started;
    }

    /**
     * Kills (SIGKILL) every runtime started here that still runs and returns their pids. A runtime left running
     * stays in the consumer group and loads partitions the next tests expect their own runtime to load.
     */
    static List<Long> killLeftovers() {
        List<Long> killed = new ArrayList<>();
        for (RuntimeProcess r : STARTED) {
            if (r.process.isAlive()) {
                killed.add(r.process.pid());
                r.process.destroyForcibly();
                try {
                    r.process.waitFor(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        STARTED.clear();
        return killed;
    }

    /** The process's resident memory now, in MB (from /proc). */
    long rssMb() throws Exception {
        for (String line : Files.readAllLines(new File("/proc/" + process.pid() + "/status").toPath())) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }

    /** A page of its management server, e.g. /observe/metrics. */
    String get(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + managementPort + path)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Rows this runtime's snapshots have read of cg_access_event (its metric piam_capture_snapshot_rows_read). */
    long snapshotRowsRead() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "piam_capture_snapshot_rows_read\\{table=\"cg_access_event\",?\\} ([0-9.E]+)").matcher(get("/observe/metrics"));
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    String log() throws Exception {
        return Files.readString(log.toPath());
    }

    /** SIGKILL: no graceful shutdown, as in a crash. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: Camel's graceful shutdown. */
    int stop() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return process.exitValue();
    }
}
