package com.piam.cdc.record;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows written to be set aside on purpose, and how the verdict tells them from real bad data: {@code make chaos}
 * writes its rejected row with an event_id of its own form ({@code chaos-20261206-101500-rejected-1}), so wherever
 * the verifier (and with it the live view) names a row set aside, it can add "injected by make chaos".
 */
public final class InjectedRows {

    private static final Pattern CHAOS = Pattern.compile("chaos-\\d{8}-\\d{6}-rejected-\\d+");

    private InjectedRows() {
    }

    /** The event_id of the {@code n}th row the chaos run {@code runId} ("chaos-yyyyMMdd-HHmmss") writes to be rejected. */
    public static String chaosRejected(String runId, int n) {
        String id = runId + "-rejected-" + n;
        if (!CHAOS.matcher(id).matches()) {
            throw new IllegalArgumentException("not a chaos run id: " + runId);
        }
        return id;
    }

    /** Whether a row key (an event_id) is one a tool injected. */
    public static boolean isInjected(String key) {
        return key != null && CHAOS.matcher(key).matches();
    }

    /** "injected by make chaos (chaos-…-rejected-1)" when {@code text} (a key, a reason) names an injected row. */
    public static Optional<String> namedIn(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = CHAOS.matcher(text);
        return m.find() ? Optional.of("injected by make chaos (" + m.group() + ")") : Optional.empty();
    }
}
