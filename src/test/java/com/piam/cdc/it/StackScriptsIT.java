package com.piam.cdc.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local scripts touch only what is theirs: `reset` deletes nothing in a folder the stack did not
 * make, `up` will not adopt one, and a pid file naming someone else's process gets nobody killed.
 */
class StackScriptsIT {

    @TempDir
    Path foreign;

    record Result(int exit, String output) {
    }

    private static Result run(Path dataDir, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PIAM_DATA_DIR", dataDir.toString());
        // ports nobody uses, in case a check ever got as far as a service
        pb.environment().putAll(Map.of("MYSQL_PORT", "1", "CLICKHOUSE_PORT", "2", "CLICKHOUSE_TCP_PORT", "3", "KAFKA_PORT", "4",
                "KAFKA_CONTROLLER_PORT", "5"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void resetAndUpRefuseAFolderTheStackDidNotMake() throws Exception {
        Path keep = foreign.resolve("mysql/keep.txt");
        Files.createDirectories(keep.getParent());
        Files.writeString(keep, "someone's data");

        Result reset = run(foreign, "ops/local/stack.sh", "reset");
        assertThat(reset.exit()).isNotZero();
        assertThat(reset.output()).contains("reset: PIAM_DATA_DIR=" + foreign + " was not made by", "nothing deleted");
        Result up = run(foreign, "ops/local/stack.sh", "up", "mysql");
        assertThat(up.exit()).isNotZero();
        assertThat(up.output()).contains("PIAM_DATA_DIR=" + foreign + " is not empty and was not made by");
        assertThat(keep).exists().hasContent("someone's data");
        assertThat(foreign.resolve(".piam-stack")).doesNotExist();
    }

    @Test
    void resetDeletesInAFolderTheStackMade() throws Exception {
        Path made = foreign.resolve("made");
        Files.createDirectories(made.resolve("kafka/data"));
        Files.writeString(made.resolve(".piam-stack"), "made by stack.sh");
        Files.writeString(made.resolve("kafka/data/segment"), "x");
        Result reset = run(made, "ops/local/stack.sh", "reset", "kafka");
        assertThat(reset.exit()).as(reset.output()).isZero();
        assertThat(made.resolve("kafka/data")).doesNotExist();
    }

    @Test
    void aPidFileNamingAnotherProcessGetsNobodyKilled() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        try {
            Files.createDirectories(foreign.resolve("run"));
            for (String name : new String[] {"runtime", "mysql", "kafka"}) {
                Files.writeString(foreign.resolve("run/" + name + ".pid"), stranger.pid() + "\n");
            }
            Result runtime = run(foreign, "ops/local/runtime.sh", "stop");
            assertThat(runtime.output()).contains("runtime: not running");
            Result stack = run(foreign, "ops/local/stack.sh", "down", "mysql");
            assertThat(stack.output()).contains("mysql: not running");
            Result status = run(foreign, "ops/local/runtime.sh", "status");
            assertThat(status.output()).contains("stopped");
            assertThat(stranger.isAlive()).as("the process named by the pid files").isTrue();
        } finally {
            stranger.destroyForcibly();
        }
        assertThat(new File(foreign.toFile(), "run/runtime.pid")).as("the stale pid file is cleared").doesNotExist();
    }
}
