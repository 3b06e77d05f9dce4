package com.piam.cdc.it;

import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import com.piam.cdc.verify.StageStatus;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The binlog stage shows where the capture reads and how long until that file would be purged; a
 * tiny binlog expiry on the source turns it DEGRADED (the capture could not be down for long without
 * losing its place), and the stage recovers when the expiry is back.
 */
class BinlogRunwayIT extends PipelineITSupport {

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "cdc", "FLUSH_INTERVAL_SECONDS", "1");
    }

    private static StageStatus binlog(PipelineStatus s) {
        return s.stages().stream().filter(x -> x.stage().equals("binlog")).findFirst().orElseThrow();
    }

    private static void expiry(long seconds) throws Exception {
        try (Connection root = StackLogins.mariadbRoot("mysql")) {
            Cloudgate.execute(root, "SET GLOBAL binlog_expire_logs_seconds = " + seconds);
        }
    }

    @Test
    void aTinyExpiryLeavesTooLittleRunway() throws Exception {
        PipelineVerifier verifier = bean("pipelineVerifier", PipelineVerifier.class);
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, "it-runway-" + UUID.randomUUID().toString().substring(0, 8) + "-", 0, 5);
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> binlog(verifier.verify()).facts().get("capture_position").toString().startsWith("mariadb-bin."));
        StageStatus fine = binlog(verifier.verify());
        assertThat(fine.ok()).as(fine.toString()).isTrue();
        assertThat(fine.facts().get("runway").toString()).startsWith("at least 24h 00m");
        try {
            expiry(100);
            StageStatus tight = binlog(verifier.verify());
            assertThat(tight.ok()).isFalse();
            assertThat(tight.facts()).containsEntry("expiry", "100 s");
            assertThat(tight.reasons()).singleElement().asString().startsWith("binlog: the file the capture reads (mariadb-bin.")
                    .contains("would be purged in at least 100 s (expiry 100 s), less than the margin of 60m 00s (VERIFY_BINLOG_MARGIN_MINUTES)");
            assertThat(verifier.verify().overall()).isNotEqualTo(PipelineStatus.Overall.HEALTHY);
        } finally {
            expiry(86_400);
        }
        assertThat(binlog(verifier.verify()).ok()).isTrue();
    }
}
