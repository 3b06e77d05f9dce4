package com.piam.cdc.tools.chaos;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local stack and the runtime as {@code make demo} runs them (ops/local/stack.sh, ops/local/runtime.sh,
 * one data folder): start, stop and kill them the way an operator or a crash would.
 */
final class LocalServices {

    private final File root;
    private final File dataDir;
    private final Map<String, String> runtimeEnv;

    /** {@code runtimeEnv}: settings for the runtime over this process's environment. */
    LocalServices(File root, File dataDir, Map<String, String> runtimeEnv) {
        this.root = root;
        this.dataDir = dataDir;
        this.runtimeEnv = runtimeEnv;
    }

    boolean runtimeRunning() throws IOException, InterruptedException {
        return script(Map.of(), 30, "ops/local/runtime.sh", "status").exit == 0;
    }

    /** ops/local/runtime.sh start with the chaos settings ({@code withSettings}) or as the demo runs. */
    void startRuntime(boolean withSettings) throws IOException, InterruptedException {
        check(script(withSettings ? runtimeEnv : Map.of(), 120, "ops/local/runtime.sh", "start"));
    }

    /** A graceful stop (SIGTERM; the runtime flushes what it can and commits nothing it did not store). */
    void stopRuntime() throws IOException, InterruptedException {
        check(script(Map.of(), 120, "ops/local/runtime.sh", "stop"));
    }

    /** SIGKILL, as a crash: nothing of the runtime's shutdown runs. Returns the pid killed. */
    long killRuntime() throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readString(new File(dataDir, "run/runtime.pid").toPath()).strip());
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty()) {
            throw new IOException("the runtime (pid " + pid + ") is not running");
        }
        p.get().destroyForcibly();
        try {
            p.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("pid " + pid + " did not exit after SIGKILL", e);
        }
        return pid;
    }

    /** ops/local/stack.sh up|down &lt;service&gt; (mysql, clickhouse, kafka): returns once it is up or its process has exited. */
    void stack(String action, String service) throws IOException, InterruptedException {
        check(script(Map.of(), 300, "ops/local/stack.sh", action, service));
    }

    private record Result(int exit, String output, String command) {
    }

    private static void check(Result r) throws IOException {
        if (r.exit != 0) {
            throw new IOException(r.command + " failed (exit " + r.exit + "): " + r.output.strip());
        }
    }

    private Result script(Map<String, String> env, int timeoutSeconds, String... command) throws IOException, InterruptedException {
        String[] cmd = command.clone();
        cmd[0] = new File(root, command[0]).getAbsolutePath();
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root).redirectErrorStream(true);
        Map<String, String> e = new HashMap<>(env);
        e.put("PIAM_DATA_DIR", dataDir.getAbsolutePath());
        pb.environment().putAll(e);
        File out = File.createTempFile("piam-chaos", ".out");
        try {
            pb.redirectOutput(out);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "did not finish in " + timeoutSeconds + " s", String.join(" ", command));
            }
            return new Result(p.exitValue(), Files.readString(out.toPath(), StandardCharsets.UTF_8), String.join(" ", command));
        } finally {
            Files.deleteIfExists(out.toPath());
        }
    }
}
