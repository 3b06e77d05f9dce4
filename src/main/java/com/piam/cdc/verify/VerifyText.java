package com.piam.cdc.verify;

import com.piam.cdc.Retry;

import java.net.ConnectException;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the verifier words ages, clock times and connection problems. */
final class VerifyText {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private VerifyText() {
    }

    static String clock(long epochMs) {
        return CLOCK.format(Instant.ofEpochMilli(epochMs));
    }

    /** "connection refused at 127.0.0.1:8123", or the innermost error. */
    static String problem(Throwable e, String where) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused at " + where;
            }
        }
        String m = Retry.rootMessage(e);
        if (m.contains("Connection refused")) {
            return "connection refused at " + where;
        }
        return m + " (" + where + ")";
    }

    /** host:port of a JDBC URL such as jdbc:clickhouse:http://127.0.0.1:8123/piam?... */
    static String hostPort(String jdbcUrl) {
        String rest = jdbcUrl.replaceFirst("^jdbc:[a-z]+:", "");
        if (!rest.contains("://")) {
            rest = "http://" + rest.replaceFirst("^//", "");
        }
        try {
            URI u = URI.create(rest.replaceFirst("\\?.*", ""));
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
        } catch (IllegalArgumentException e) {
            return rest;
        }
    }

    /** 850 ms, 12 s, 3m 05s, 2h 10m. */
    static String age(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        long s = ms / 1000;
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }
}
