package com.piam.cdc.it;

import com.piam.cdc.capture.CaptureWatchdog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Capture liveness: an idle capture is left alone; an engine that dies while Camel keeps the route
 * "Started" is noticed, reported and restarted with backoff until capture works again.
 */
class CaptureLivenessIT extends PipelineITSupport {

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "cdc",
                "FLUSH_INTERVAL_SECONDS", "1");
    }

    @BeforeEach
    void idle() throws Exception {
        stopGenerators();
    }

    @AfterEach
    void restoreCapturePassword() throws Exception {
        setCapturePassword(StackLogins.password("CAPTURE_PASSWORD"));
    }

    private static void setCapturePassword(String password) throws Exception {
        try (Connection root = StackLogins.mariadbRoot("mysql")) {
            Cloudgate.execute(root, "ALTER USER 'debezium'@'%' IDENTIFIED BY '" + password + "'");
        }
    }

    @Test
    void idleCaptureIsLeftAloneAndADeadEngineIsRestartedUntilItWorks() throws Exception {
        CaptureWatchdog watchdog = bean("captureWatchdog", CaptureWatchdog.class);
        Thread.sleep(8_000); // an idle source: no changes, no heartbeats, and the engine is fine
        assertThat(watchdog.restarts()).as("restarts on an idle but healthy source").isZero();
        assertThat(watchdog.lastProblem()).isEmpty();

        // the engine dies at its next connect (Camel keeps the route Started)
        setCapturePassword("not-the-password");
        context.getRouteController().stopRoute("capture-changes");
        context.getRouteController().startRoute("capture-changes");
        await().atMost(Duration.ofSeconds(30)).until(() -> watchdog.restarts() >= 1);
        assertThat(watchdog.lastProblem()).startsWith("capture: engine stopped").endsWith("restarting");
        assertThat(context.getRouteController().getRouteStatus("capture-changes").isStarted()).isTrue();

        // the source accepts the capture user again: a later restart succeeds and changes flow
        setCapturePassword(StackLogins.password("CAPTURE_PASSWORD"));
        String prefix = "it-live-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        try (Connection db = Cloudgate.connect()) {
            Cloudgate.insertAccessEvents(db, prefix, 0, 20);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                clickHouse("SELECT count()" + CurrentView.accessEventsWithPrefix(prefix)) == 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> watchdog.lastProblem().isEmpty());
        assertThat(watchdog.restarts()).as("restart count resets once capture works").isZero();
    }
}
