package com.piam.cdc.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Publishes the verifier's result: GET /observe/pipeline on the management HTTP server (JSON with
 * every stage; 200 when HEALTHY, 503 otherwise; {@code ?refresh=true} verifies now instead of
 * returning the last timer run; concurrent refreshes share one run and at most one starts per second, the rest get
 * the newest verdict, whose {@code age_ms} says how old it is) and one Camel health check per stage.
 */
public final class PipelineStatusEndpoint {

    public static final String PATH = "/observe/pipeline";
    private static final Logger LOG = LoggerFactory.getLogger(PipelineStatusEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PipelineStatusEndpoint() {
    }

    /** Registers one Camel health check per stage of the verifier. */
    public static void registerHealthChecks(CamelContext context, PipelineVerifier verifier) {
        HealthCheckRegistry registry = HealthCheckRegistry.get(context);
        if (registry != null) {
            for (String stage : verifier.stageNames()) {
                registry.register(new StageHealthCheck(stage, verifier::last));
            }
        }
    }

    /** Adds GET /observe/pipeline to the management HTTP server; call once the context has started. */
    public static void serve(CamelContext context, PipelineVerifier verifier) {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || server.getRouter() == null) {
            LOG.warn("No management HTTP server: {} is not served (camel.management.enabled=false?)", PATH);
            return;
        }
        server.getRouter().route(HttpMethod.GET, PATH).produces("application/json")
                .blockingHandler(rc -> respond(rc, verifier), false);
    }

    private static void respond(RoutingContext rc, PipelineVerifier verifier) {
        PipelineStatus s = "true".equals(rc.request().getParam("refresh")) || verifier.last() == null
                ? verifier.refresh() : verifier.last();
        try {
            rc.response().setStatusCode(s.overall() == PipelineStatus.Overall.HEALTHY
                    || s.overall() == PipelineStatus.Overall.SNAPSHOTTING ? 200 : 503)
                    .putHeader("Content-Type", "application/json").end(toJson(s));
        } catch (JsonProcessingException e) {
            rc.fail(e);
        }
    }

    public static String toJson(PipelineStatus s) throws JsonProcessingException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", s.overall().name());
        m.put("checked_at", Instant.ofEpochMilli(s.checkedAtMs()).toString());
        m.put("took_ms", s.tookMs());
        m.put("age_ms", Math.max(0, System.currentTimeMillis() - s.checkedAtMs()));
        m.put("ingest_mode", s.ingestMode());
        List<Object> stages = new ArrayList<>();
        for (StageStatus st : s.stages()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("stage", st.stage());
            x.put("ok", st.ok());
            x.put("reasons", st.reasons());
            x.put("facts", st.facts());
            stages.add(x);
        }
        m.put("stages", stages);
        return JSON.writeValueAsString(m);
    }
}
