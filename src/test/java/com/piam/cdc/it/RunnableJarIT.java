package com.piam.cdc.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged runtime (java -jar target/piam-cdc.jar) refuses a bad setting with one line and exit code 2. */
class RunnableJarIT {

    static Process run(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", new File("target/piam-cdc.jar").getAbsolutePath())
                .redirectErrorStream(false);
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void badSettingStopsStartUpNamingKeyValueAndAllowed() throws Exception {
        for (Map.Entry<String, String> bad : List.of(
                Map.entry("INGEST_MODE", "kafka"), Map.entry("EVENT_RATE_PER_SECOND", "0"),
                Map.entry("MAX_BATCH_EVENTS", "0"), Map.entry("FLUSH_INTERVAL_SECONDS", "soon"))) {
            Process p = run(Map.of(bad.getKey(), bad.getValue()));
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(err).startsWith("piam-cdc: Invalid configuration: " + bad.getKey() + "='" + bad.getValue() + "': ")
                    .doesNotContain("\n").doesNotContain("Exception");
        }
    }
}
