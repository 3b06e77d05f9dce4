package com.piam.cdc.capture;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The watchdog sees the Debezium engine's task through the executor camel-debezium's consumer asks
 * {@link CaptureEndpoint} for, and fails closed when it cannot. The engine here connects to a port nobody listens on,
 * so its task ends at once: seen as stopped with the camel-debezium version of the pom (if an upgrade stops asking
 * {@code DebeziumEndpoint.createExecutor}, this fails and the watchdog says "cannot observe").
 */
class CaptureWatchdogTest {

    private final CamelContext context = new DefaultCamelContext();

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void anEngineWhoseTaskEndedIsSeenStopped() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        context.addComponent(CaptureComponent.SCHEME, new CaptureComponent());
        String uri = CaptureComponent.SCHEME + ":watchdog-test?databaseHostname=127.0.0.1&databasePort=" + closedPort
                + "&databaseUser=nobody&databasePassword=RAW(none)&databaseServerId=4242&topicPrefix=watchdog"
                + "&offsetStorage=org.apache.kafka.connect.storage.MemoryOffsetBackingStore"
                + "&schemaHistoryInternal=io.debezium.relational.history.MemorySchemaHistory";
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(uri).routeId(CaptureRoute.ROUTE_ID).to("log:unused");
            }
        });
        context.start();
        CaptureEndpoint endpoint = (CaptureEndpoint) context.getRoute(CaptureRoute.ROUTE_ID).getEndpoint();
        assertThat(endpoint.engineExecutor()).as("camel-debezium's consumer asked the endpoint for its executor").isNotNull();

        CaptureWatchdog watchdog = new CaptureWatchdog(context, new CaptureLiveness(), new KafkaChangeSender(com.piam.cdc.config.KafkaConnection.plaintext("127.0.0.1:1")));
        await().atMost(Duration.ofSeconds(30)).until(() -> !watchdog.engineRunning());
    }

    @Test
    void aCaptureRouteItCannotSeeIsReportedNotCalledRunning() throws Exception {
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("timer:not-debezium?period=60000").routeId(CaptureRoute.ROUTE_ID).to("log:unused");
            }
        });
        context.start();
        CaptureWatchdog watchdog = new CaptureWatchdog(context, new CaptureLiveness(), new KafkaChangeSender(com.piam.cdc.config.KafkaConnection.plaintext("127.0.0.1:1")));
        watchdog.check();
        assertThat(watchdog.lastProblem()).startsWith("capture: cannot observe the capture engine: route capture-changes reads "
                + "from org.apache.camel.component.timer.TimerEndpoint");
        assertThat(watchdog.engineState()).isEqualTo("not observable");
        assertThat(watchdog.restarts()).as("nothing says it stopped: not restarted").isZero();
    }
}
