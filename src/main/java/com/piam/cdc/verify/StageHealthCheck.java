package com.piam.cdc.verify;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;
import java.util.function.Supplier;

/**
 * One verifier stage as a Camel readiness check ("pipeline-clickhouse", …): UP when the stage is OK,
 * DOWN with the stage's reason otherwise; its facts are the check's details. Served by the Camel
 * health endpoint (/observe/health) and visible in JMX.
 */
final class StageHealthCheck extends AbstractHealthCheck {

    private final String stage;
    private final Supplier<PipelineStatus> status;

    StageHealthCheck(String stage, Supplier<PipelineStatus> status) {
        super("piam", "pipeline-" + stage);
        this.stage = stage;
        this.status = status;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PipelineStatus s = status.get();
        StageStatus st = s == null ? null : s.stages().stream().filter(x -> x.stage().equals(stage)).findFirst().orElse(null);
        if (st == null) {
            builder.unknown().message("not verified yet");
            return;
        }
        st.facts().forEach((k, v) -> builder.detail(k, v));
        if (st.ok()) {
            builder.up();
        } else {
            builder.down().message(st.reason());
        }
    }
}
