package com.piam.cdc.it;

import java.io.File;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged runtime (target/piam-cdc.jar) as a separate process, the way `make demo` runs it. */
final class RuntimeProcess {

    final Process process;
    final File log;

    private RuntimeProcess(Process process, File log) {
        this.process = process;
        this.log = log;
    }

    static RuntimeProcess start(Map<String, String> env) throws Exception {
        File log = File.createTempFile("piam-runtime", ".log");
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx192m", "-jar", new File("target/piam-cdc.jar").getAbsolutePath())
                .redirectErrorStream(true).redirectOutput(log);
        pb.environment().put("PIAM_DATA_DIR", new File(System.getenv().getOrDefault("PIAM_DATA_DIR", ".local")).getAbsolutePath());
        pb.environment().putAll(env);
        return new RuntimeProcess(pb.start(), log);
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
