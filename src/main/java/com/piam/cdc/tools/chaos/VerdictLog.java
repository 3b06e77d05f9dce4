package com.piam.cdc.tools.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runtime's verdict (GET /observe/pipeline) once a second in the background, kept with the time it was
 * seen: when did the pipeline turn HEALTHY again after a fault, and what did it say meanwhile.
 */
final class VerdictLog implements AutoCloseable {

    /**
     * One look: when, the verdict (DOWN when the runtime does not answer), when the runtime checked, its
     * reasons, and whether rows flow (the capture has captured and the loader loaded since the runtime started).
     */
    record Sample(long atMs, String status, long checkedAtMs, List<String> reasons, boolean flowing) {

        boolean healthy() {
            return status.equals("HEALTHY");
        }

        /** HEALTHY with rows flowing: a runtime's first verdict comes before anything was captured or loaded. */
        boolean recovered() {
            return healthy() && flowing;
        }

        /** "DEGRADED: clickhouse: …" (the first reason, shortened). */
        String describe() {
            String first = reasons.isEmpty() ? (healthy() && !flowing ? " (nothing captured or loaded yet)" : "") : ": " + reasons.get(0);
            String text = status + first;
            return text.length() > 90 ? text.substring(0, 87) + "..." : text;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread poller;
    private volatile boolean closed;

    VerdictLog(String url) {
        this.url = url;
        this.poller = new Thread(this::poll, "chaos-verdict");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (!closed) {
            Sample s = look();
            synchronized (samples) {
                samples.add(s);
                samples.notifyAll();
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Sample look() {
        long now = System.currentTimeMillis();
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode status = JSON.readTree(r.body());
            List<String> reasons = new ArrayList<>();
            boolean flowing = true;
            for (JsonNode stage : status.path("stages")) {
                stage.path("reasons").forEach(reason -> reasons.add(reason.asText()));
                flowing &= flowing(stage);
            }
            String checkedAt = status.path("checked_at").asText("");
            return new Sample(now, status.path("status").asText("DOWN"),
                    checkedAt.isEmpty() ? 0 : Instant.parse(checkedAt).toEpochMilli(), reasons, flowing);
        } catch (Exception e) {
            return new Sample(now, "DOWN", now, List.of("the runtime does not answer (" + e.getClass().getSimpleName() + ")"), false);
        }
    }

    /** The capture stage has captured changes, the loader stage has loaded a batch into each table ("none yet" otherwise). */
    static boolean flowing(JsonNode stage) {
        JsonNode facts = stage.path("facts");
        return switch (stage.path("stage").asText()) {
            case "capture" -> facts.path("changes_captured").asLong(0) > 0;
            case "loader" -> facts.properties().stream().noneMatch(f -> f.getKey().startsWith("last_batch_age")
                    && f.getValue().asText().equals("none yet"));
            default -> true;
        };
    }

    /** The first HEALTHY verdict with rows flowing the runtime reached at or after {@code afterMs}, waiting up to {@code timeoutMs}. */
    Optional<Sample> awaitRecovered(long afterMs, long timeoutMs) throws InterruptedException {
        long until = System.currentTimeMillis() + timeoutMs;
        int from = 0;
        synchronized (samples) {
            while (true) {
                for (int i = from; i < samples.size(); i++) {
                    Sample s = samples.get(i);
                    if (s.recovered() && s.checkedAtMs() >= afterMs) {
                        return Optional.of(s);
                    }
                }
                from = samples.size();
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    return Optional.empty();
                }
                samples.wait(left);
            }
        }
    }

    /** The first reason any verdict so far gave that contains {@code text} (e.g. an injected row's id). */
    Optional<String> firstReasonWith(String text) {
        synchronized (samples) {
            return samples.stream().flatMap(s -> s.reasons().stream()).filter(r -> r.contains(text)).findFirst();
        }
    }

    /** The verdicts that were not HEALTHY between two moments, in order. */
    List<Sample> problems(long fromMs, long toMs) {
        synchronized (samples) {
            return samples.stream().filter(s -> s.atMs() >= fromMs && s.atMs() <= toMs && !s.recovered()).toList();
        }
    }

    /** The newest verdict. */
    Optional<Sample> latest() {
        synchronized (samples) {
            return samples.isEmpty() ? Optional.empty() : Optional.of(samples.get(samples.size() - 1));
        }
    }

    @Override
    public void close() {
        closed = true;
        poller.interrupt();
    }
}
