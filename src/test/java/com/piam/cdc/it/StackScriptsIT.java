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

    /**
     * Issue 23: the stack made the KRaft cluster id from random bytes and passed it as "-t ID"; an id beginning with '-'
     * (about one in 64) was read as an option and the first start failed. Formats with ids beginning with '-' and
     * '_' and random ones, as stack.sh up does (its kafka-format command runs the same function).
     */
    @Test
    void kafkaStorageFormatsWhateverTheClusterIdBeginsWith() throws Exception {
        java.util.List<String> ids = new java.util.ArrayList<>(java.util.List.of("-" + "Ab_9".repeat(5) + "x", "--" + "Q".repeat(20),
                "_" + "z".repeat(21)));
        java.util.Random random = new java.util.Random();
        for (int i = 0; i < 3; i++) {
            byte[] b = new byte[16];
            random.nextBytes(b);
            ids.add(java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        }
        for (int i = 0; i < ids.size(); i++) {
            Path dir = foreign.resolve("kafka-format-" + i);
            Files.createDirectories(dir);
            Path config = dir.resolve("server.properties");
            Files.writeString(config, String.join("\n", "process.roles=broker,controller", "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:19093", "listeners=PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093",
                    "controller.listener.names=CONTROLLER", "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "inter.broker.listener.name=PLAINTEXT", "log.dirs=" + dir.resolve("data"), ""));
            Result format = run(StackLogins.dataDir().toPath(), "ops/local/stack.sh", "kafka-format", config.toString(), ids.get(i));
            assertThat(format.exit()).as("format with cluster id " + ids.get(i) + ": " + format.output()).isZero();
            assertThat(Files.readString(dir.resolve("data/meta.properties"))).contains("cluster.id=" + ids.get(i));
        }
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

    /** make test before make demo on a fresh clone: .local holds only the tests' stack, which the demo's takes as empty. */
    @Test
    void upTakesAFolderHoldingOnlyTheTestsStack() throws Exception {
        Path local = foreign.resolve("local");
        Files.createDirectories(local.resolve("test/mysql"));
        Files.writeString(local.resolve("test/.piam-stack"), "made by stack.sh");
        Result claim = run(local, "ops/local/stack.sh", "claim");
        assertThat(claim.exit()).as(claim.output()).isZero();
        assertThat(local.resolve(".piam-stack")).exists();
        assertThat(local.resolve("test/mysql")).exists();

        Path other = foreign.resolve("other");
        Files.createDirectories(other.resolve("test/mysql"));
        Result refused = run(other, "ops/local/stack.sh", "claim");
        assertThat(refused.exit()).as("a test/ folder the stack did not make is someone's").isNotZero();
        assertThat(refused.output()).contains("is not empty and was not made by");
        assertThat(other.resolve(".piam-stack")).doesNotExist();
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
