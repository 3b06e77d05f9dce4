package com.piam.cdc.live;

import org.apache.camel.CamelContext;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Stop, start, suspend or resume a stage's route from the live page (LIVE_VIEW_CONTROLS=true only). A request
 * is carried out only when it comes from the page itself: its Origin is the server's own address (a loopback
 * name or MANAGEMENT_HOST, at MANAGEMENT_PORT, as the Host header names it) and it carries the token made at
 * this start, which only a same-origin page can read from /live/data. Only the strip's routes and the four
 * actions are accepted.
 */
final class StageControl {

    static final List<String> ROUTES = List.of("generate-access-events", "capture-changes", "consume-access-events", "load-access-events");
    static final List<String> ACTIONS = List.of("stop", "start", "suspend", "resume");

    /** Why a request was refused (the HTTP status and a sentence), or null when it may go ahead. */
    record Refusal(int status, String reason) {
    }

    private final CamelContext context;
    private final Set<String> hosts;
    private final int port;
    private final String token;

    StageControl(CamelContext context, String managementHost, int port) {
        this.context = context;
        this.port = port;
        this.hosts = new java.util.HashSet<>(List.of("127.0.0.1", "localhost", "[::1]", managementHost.toLowerCase(Locale.ROOT)));
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        this.token = HexFormat.of().formatHex(b);
    }

    String token() {
        return token;
    }

    /** Whether a Host header names this server (a page loaded under another name, DNS rebinding, is not served controls). */
    boolean ownHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return hosts.stream().anyMatch(n -> h.equals(n + ":" + port));
    }

    /** Checks a POST: Host, Origin (the same as Host), token, route and action. */
    Refusal check(String host, String origin, String givenToken, String route, String action) {
        if (!ownHost(host)) {
            return new Refusal(403, "refused: Host '" + host + "' is not this server");
        }
        if (origin == null || !sameOrigin(origin, host)) {
            return new Refusal(403, "refused: a request from another origin (" + origin + ")");
        }
        if (givenToken == null || !MessageDigest.isEqual(givenToken.getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8))) {
            return new Refusal(403, "refused: no valid token (reload the page: the token changes at every start)");
        }
        if (!ROUTES.contains(route) || !ACTIONS.contains(action)) {
            return new Refusal(400, "route must be one of " + ROUTES + " and action one of " + ACTIONS);
        }
        return null;
    }

    private static boolean sameOrigin(String origin, String host) {
        try {
            URI o = URI.create(origin);
            return "http".equals(o.getScheme()) && host.equalsIgnoreCase(o.getRawAuthority());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Carries out an accepted request; the route's state after it. */
    String act(String route, String action) throws Exception {
        switch (action) {
            case "stop" -> context.getRouteController().stopRoute(route);
            case "start" -> context.getRouteController().startRoute(route);
            case "suspend" -> context.getRouteController().suspendRoute(route);
            default -> context.getRouteController().resumeRoute(route);
        }
        return String.valueOf(context.getRouteController().getRouteStatus(route));
    }
}
