package com.piam.cdc.live;

import com.piam.cdc.capture.SnapshotReading;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.StageStatus;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What the live page shows, as one JSON document: the verdict, the pipeline as a strip of stages (each with
 * its state, events/s over the last 10 s, total and own figures), the last 10 minutes as series, and the PIAM
 * panels.
 */
final class LiveData {

    /** One box of the strip: which verifier stages decide its colour, which route it runs as, which figures it shows. */
    record Box(String id, String name, String route, List<String> stages, List<String> factPrefixes) {
    }

    static final List<Box> CDC = List.of(
            new Box("generator", "Generator", "generate-access-events", List.of(), List.of()),
            new Box("mysql", "MySQL", null, List.of("mysql", "binlog"), List.of("newest_row_age", "binlog_position")),
            new Box("capture", "Capture", "capture-changes", List.of("capture"),
                    List.of("lease", "capturing", "binlog_position", "last_change_age")),
            new Box("kafka", "Kafka", null, List.of("kafka"), List.of("lag ", "dead_letters ", "consumers")),
            new Box("consume", "Consume", "consume-access-events", List.of(), List.of()),
            new Box("load", "Load", "load-access-events", List.of("loader", "rejected"), List.of()),
            new Box("clickhouse", "ClickHouse", null, List.of("clickhouse", "freshness", "reconcile"),
                    List.of("newest_access_event", "in_sync_through")));

    static final List<Box> DIRECT = List.of(CDC.get(0),
            new Box("load", "Load", "load-access-events", List.of("loader", "rejected"), List.of()), CDC.get(6));

    static final long RATE_WINDOW_MS = 10_000;

    private LiveData() {
    }

    /**
     * {@code routeState}: a route's state ("Started", "Stopped", "Suspended"; null when there is no such route);
     * {@code loadFigures}: the load box's own figures (last batch rows and ms), the ClickHouse box's freshness;
     * {@code snapshots}: the tables a snapshot reads now, with how far it has come (the capture box's progress bars).
     */
    static Map<String, Object> of(PipelineStatus status, List<LiveHistory.Point> points, Function<String, String> routeState,
            Map<String, Object> loadFigures, Map<String, Object> clickHouseFigures, Map<String, SnapshotReading> snapshots,
            Map<String, Object> panels, boolean controls) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> verdict = new LinkedHashMap<>();
        verdict.put("status", status == null ? "STARTING" : status.overall().name());
        List<String> reasons = new ArrayList<>();
        if (status != null) {
            if (status.overall() == PipelineStatus.Overall.SNAPSHOTTING) {
                status.snapshots().forEach(line -> reasons.add("snapshot of " + line));
            }
            status.stages().forEach(s -> reasons.addAll(status.reasonsShown(s)));
        }
        verdict.put("reasons", reasons);
        verdict.put("mode", status == null ? "" : status.ingestMode());
        verdict.put("checked_at_ms", status == null ? 0 : status.checkedAtMs());
        verdict.put("uptime_s", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
        out.put("verdict", verdict);

        List<Object> strip = new ArrayList<>();
        boolean direct = status != null && "direct".equals(status.ingestMode());
        for (Box box : direct ? DIRECT : CDC) {
            Map<String, Object> b = box(box, status, points, routeState, loadFigures, clickHouseFigures, controls);
            if (box.id().equals("capture")) {
                b.put("snapshot", snapshotBars(snapshots));
            }
            strip.add(b);
        }
        out.put("stages", strip);
        out.put("history", history(points));
        out.put("panels", panels);
        return out;
    }

    /** Per table a snapshot reads: rows read, of about how many, percent (-1 unknown), rows/s, seconds left (-1 unknown). */
    static List<Map<String, Object>> snapshotBars(Map<String, SnapshotReading> snapshots) {
        List<Map<String, Object>> out = new ArrayList<>();
        snapshots.forEach((table, r) -> {
            Map<String, Object> bar = new LinkedHashMap<>();
            bar.put("table", table);
            bar.put("rows", r.rows());
            bar.put("estimate", r.estimate());
            bar.put("percent", r.percent());
            bar.put("rows_per_s", Math.round(r.rowsPerSecond()));
            bar.put("seconds_left", r.secondsLeft());
            bar.put("text", r.text());
            out.add(bar);
        });
        return out;
    }

    private static Map<String, Object> box(Box box, PipelineStatus status, List<LiveHistory.Point> points,
            Function<String, String> routeState, Map<String, Object> loadFigures, Map<String, Object> clickHouseFigures, boolean controls) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", box.id());
        b.put("name", box.name());
        List<String> problems = new ArrayList<>();
        boolean unexplained = false;
        Map<String, Object> figures = new LinkedHashMap<>();
        if (status != null) {
            for (StageStatus s : status.stages()) {
                if (box.stages().contains(s.stage())) {
                    problems.addAll(status.reasonsShown(s));
                    unexplained |= !s.ok() && !status.explainedBySnapshot(s);
                    s.facts().forEach((k, v) -> {
                        if (box.factPrefixes().stream().anyMatch(k::startsWith)) {
                            figures.putIfAbsent(k, v);
                        }
                    });
                }
            }
        }
        String route = box.route() == null ? null : routeState.apply(box.route());
        ToLongFunction<LiveHistory.Point> total = switch (box.id()) {
            case "generator" -> LiveHistory.Point::generated;
            case "capture" -> LiveHistory.Point::captured;
            case "consume" -> LiveHistory.Point::consumed;
            case "load" -> LiveHistory.Point::loaded;
            default -> null;
        };
        if (total != null) {
            b.put("rate", Math.round(LiveHistory.rate(points, total, RATE_WINDOW_MS) * 10) / 10.0);
            b.put("total", points.isEmpty() ? 0 : total.applyAsLong(points.get(points.size() - 1)));
        }
        if (box.id().equals("load")) {
            figures.putAll(loadFigures);
        } else if (box.id().equals("clickhouse")) {
            figures.putAll(clickHouseFigures);
        }
        String state = route != null && !route.equals("Started") ? route.toLowerCase(java.util.Locale.ROOT)
                : box.route() != null && route == null ? "off" : problems.isEmpty() ? "ok" : unexplained ? "problem" : "snapshotting";
        b.put("state", state);
        b.put("route", box.route() == null || route == null ? null : box.route());
        b.put("route_state", route);
        b.put("figures", figures);
        b.put("problems", problems);
        b.put("controls", controls && route != null && StageControl.ROUTES.contains(box.route()));
        return b;
    }

    /** Per point: events/s generated, captured and loaded (over the 10 s before it), freshness p50/p95. */
    static Map<String, List<Object>> history(List<LiveHistory.Point> points) {
        Map<String, List<Object>> h = new LinkedHashMap<>();
        for (String k : List.of("t", "generated", "captured", "loaded", "p50", "p95")) {
            h.put(k, new ArrayList<>());
        }
        for (int i = 1; i < points.size(); i++) {
            List<LiveHistory.Point> upTo = points.subList(0, i + 1);
            LiveHistory.Point p = points.get(i);
            h.get("t").add(p.atMs() / 1000);
            h.get("generated").add(round(LiveHistory.rate(upTo, LiveHistory.Point::generated, RATE_WINDOW_MS)));
            h.get("captured").add(round(LiveHistory.rate(upTo, LiveHistory.Point::captured, RATE_WINDOW_MS)));
            h.get("loaded").add(round(LiveHistory.rate(upTo, LiveHistory.Point::loaded, RATE_WINDOW_MS)));
            h.get("p50").add(Double.isNaN(p.p50()) ? null : round(p.p50()));
            h.get("p95").add(Double.isNaN(p.p95()) ? null : round(p.p95()));
        }
        return h;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
