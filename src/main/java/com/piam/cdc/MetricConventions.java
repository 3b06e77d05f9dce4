package com.piam.cdc;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps /observe/metrics within Prometheus conventions (promtool check metrics): label names in snake_case,
 * every family with HELP text, no "_count" suffix on a gauge (system_cpu_count becomes system_cpu_cores), no
 * unit abbreviation in a name (process_cpu_time_ns_total is left out; process_cpu_usage stays). The filters go
 * on the registry camel-micrometer-prometheus made before any meter of ours is registered, and the JVM's
 * binders are bound here, after them (camel.metrics.binders stays empty: Camel would bind them unfiltered).
 */
public final class MetricConventions {

    /** The name camel-micrometer-prometheus binds its registry under. */
    public static final String REGISTRY_NAME = "metricsRegistry";

    private MetricConventions() {
    }

    /** Adds the filters to {@code r}, then binds the JVM memory, GC, thread and processor meters. */
    public static void apply(MeterRegistry r) {
        r.config()
                .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return conventional(id);
                    }
                });
        new JvmMemoryMetrics().bindTo(r);
        new JvmGcMetrics().bindTo(r);
        new JvmThreadMetrics().bindTo(r);
        new ProcessorMetrics().bindTo(r);
    }

    /** snake_case tag keys, a description when the meter has none, system.cpu.count renamed. */
    static Meter.Id conventional(Meter.Id id) {
        List<Tag> tags = new ArrayList<>();
        for (Tag t : id.getTagsAsIterable()) {
            tags.add(Tag.of(snake(t.getKey()), t.getValue()));
        }
        String name = id.getName().equals("system.cpu.count") ? "system.cpu.cores" : id.getName();
        String description = id.getDescription() != null && !id.getDescription().isBlank() ? id.getDescription()
                : name.replace('.', ' ');
        return new Meter.Id(name, Tags.of(tags), id.getBaseUnit(), description, id.getType());
    }

    /** routeId -> route_id; already snake_case names stay as they are. */
    static String snake(String key) {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
