package com.piam.cdc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MetricConventionsTest {

    @Test
    void labelNamesBecomeSnakeCase() {
        assertThat(MetricConventions.snake("routeId")).isEqualTo("route_id");
        assertThat(MetricConventions.snake("camelContextName")).isEqualTo("camel_context_name");
        assertThat(MetricConventions.snake("table")).isEqualTo("table");
        assertThat(MetricConventions.snake("route_id")).isEqualTo("route_id");
    }

    @Test
    void everyMeterGetsHelpTextSnakeCaseLabelsAndNoCountSuffixOnAGauge() {
        SimpleMeterRegistry r = new SimpleMeterRegistry();
        MetricConventions.apply(r);
        Gauge.builder("some.gauge", () -> 1).tag("routeId", "load-access-events").register(r);
        Gauge g = r.find("some.gauge").gauge();
        assertThat(g.getId().getTag("route_id")).isEqualTo("load-access-events");
        assertThat(g.getId().getTag("routeId")).isNull();
        assertThat(g.getId().getDescription()).isEqualTo("some gauge");
        assertThat(r.find("system.cpu.count").meter()).isNull();
        assertThat(r.find("system.cpu.cores").gauge()).isNotNull();
        assertThat(r.find("process.cpu.time").meter()).isNull();
        assertThat(r.find("process.cpu.usage").gauge()).isNotNull();
        assertThat(r.find("jvm.memory.used").gauge()).isNotNull();
    }
}
