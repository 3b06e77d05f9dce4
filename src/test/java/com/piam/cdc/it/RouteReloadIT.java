package com.piam.cdc.it;

import org.apache.camel.Route;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live route editing: the runtime watches a directory of YAML routes (ROUTES_RELOAD_DIRECTORY; under
 * mvn camel:run it is src/main/resources/routes). Saving a changed file replaces that route while
 * the runtime keeps running; the other routes are left alone.
 */
class RouteReloadIT extends PipelineITSupport {

    private static final Path ROUTES = copyOfTheRoutes();

    private static Path copyOfTheRoutes() {
        try {
            Path dir = Files.createTempDirectory("piam-routes");
            for (File f : new File("src/main/resources/routes").listFiles((d, n) -> n.endsWith(".camel.yaml"))) {
                Files.copy(f.toPath(), dir.resolve(f.getName()), StandardCopyOption.REPLACE_EXISTING);
            }
            return dir;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected Properties settings() {
        return props(
                "INGEST_MODE", "direct",
                "ROUTES_RELOAD_DIRECTORY", ROUTES.toString());
    }

    @Test
    void aSavedChangeToAYamlRouteReplacesItWhileTheRuntimeRuns() throws Exception {
        Route before = context.getRoute("generate-connector-health");
        assertThat(before.getEndpoint().getEndpointUri()).contains("period=10s");
        Route loader = context.getRoute("load-access-events");

        Path file = ROUTES.resolve("generate-connector-health.camel.yaml");
        String yaml = Files.readString(file);
        assertThat(yaml).contains("period: \"{{HEALTH_INTERVAL_SECONDS}}s\"");
        Thread.sleep(1500); // a modification time the watcher can tell apart
        Files.writeString(file, yaml.replace("period: \"{{HEALTH_INTERVAL_SECONDS}}s\"", "period: \"2s\""));

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
            Route r = context.getRoute("generate-connector-health");
            return r != null && r.getEndpoint().getEndpointUri().contains("period=2s");
        });
        assertThat(context.getRouteController().getRouteStatus("generate-connector-health").isStarted()).isTrue();
        assertThat(context.getRoute("load-access-events")).as("untouched routes keep running as they were").isSameAs(loader);
        long healthRows = bean("pacsSimulator", com.piam.cdc.generate.PacsSimulator.class).healthRowsGenerated();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                bean("pacsSimulator", com.piam.cdc.generate.PacsSimulator.class).healthRowsGenerated() >= healthRows + 8);
    }
}
