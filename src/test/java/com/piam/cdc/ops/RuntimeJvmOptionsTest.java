package com.piam.cdc.ops;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** ops/runtime.jvm (the runtime's JVM options for make demo, make bench and the image) is taken by this JVM. */
class RuntimeJvmOptionsTest {

    @Test
    void theOptionsFileIsAValidArgumentFileWithTheBudgetedHeap() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "@" + Path.of("ops/runtime.jvm").toAbsolutePath(),
                "-XX:+PrintFlagsFinal", "-version").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).containsPattern("MaxHeapSize\\s+= 201326592\\s")
                .containsPattern("UseSerialGC\\s+= true\\s")
                .containsPattern("TieredStopAtLevel\\s+= 1\\s")
                .containsPattern("NewSize\\s+= 100663296\\s");
    }
}
