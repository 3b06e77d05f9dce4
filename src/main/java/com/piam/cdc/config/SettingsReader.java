package com.piam.cdc.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Reads one setting and checks it, or stops start-up with a {@link ConfigException} naming it. */
record SettingsReader(Function<String, String> lookup) {

    String raw(String key) {
        String v = lookup.apply(key);
        return v == null ? null : v.trim();
    }

    String required(String key) {
        String v = raw(key);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(key, v == null ? "" : v, "must be set (see application.properties for the default)");
        }
        return v;
    }

    String optional(String key) {
        String v = raw(key);
        return v == null ? "" : v;
    }

    /**
     * A CA file setting (PEM): empty for the JVM's CAs; set, it needs TLS on ({@code needs} names how) and must be
     * readable. {@code signed} says whose certificates the CA signed ("the server's", "the brokers'").
     */
    String caFile(String key, boolean tlsOn, String needs, String signed) {
        String ca = optional(key).trim();
        if (ca.isEmpty()) {
            return ca;
        }
        if (!tlsOn) {
            throw new ConfigException(key, ca, "needs " + needs);
        }
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(ca))) {
            throw new ConfigException(key, ca, "cannot be read; give the PEM file of the CA that signed " + signed
                    + " certificate(s), or leave it empty to trust the JVM's CAs");
        }
        return ca;
    }

    /**
     * A moment as epoch seconds: "2026-11-30 14:03" (UTC, seconds optional) or a number of epoch seconds;
     * 0 when unset.
     */
    long utcTime(String key) {
        String v = optional(key);
        if (v.isEmpty()) {
            return 0;
        }
        try {
            return v.matches("\\d+") ? Long.parseLong(v)
                    : java.time.LocalDateTime.parse(v.replace(' ', 'T')).toEpochSecond(java.time.ZoneOffset.UTC);
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new ConfigException(key, v, "must be a UTC time like 2026-11-30 14:03, or epoch seconds");
        }
    }

    IngestMode ingestMode(String key) {
        String v = required(key);
        try {
            return IngestMode.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, v, "must be one of cdc, direct");
        }
    }

    /** A whole number from 1 to {@code max}: the upper bound stops a typo (an extra 0) from exhausting memory. */
    int positiveInt(String key, String meaning, int max) {
        int n = positiveInt(key, meaning);
        if (n > max) {
            throw new ConfigException(key, String.valueOf(n), "must be at most " + max + " (" + meaning + ")");
        }
        return n;
    }

    double positiveDouble(String key, String meaning, double max) {
        double d = positiveDouble(key, meaning);
        if (d > max) {
            throw new ConfigException(key, raw(key), "must be at most " + (long) max + " (" + meaning + ")");
        }
        return d;
    }

    /**
     * host:port[,host:port...]: nothing else, as the value goes into Camel endpoint URIs (a '&' or
     * '?' would smuggle endpoint options in).
     */
    String bootstrap(String key) {
        String v = required(key);
        String hostPort = "(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*):[0-9]{1,5}";
        if (!v.matches(hostPort + "(," + hostPort + ")*")) {
            throw new ConfigException(key, v, "must be host:port[,host:port...], e.g. 127.0.0.1:9092");
        }
        return v;
    }

    String host(String key) {
        String v = required(key);
        if (!v.matches("\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9][A-Za-z0-9.-]*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new ConfigException(key, v, "must be a host name or IP address, e.g. 127.0.0.1");
        }
        return v;
    }

    /** A user name and its password ({@link Secrets#password}: _FILE, value, demo default). */
    Login login(String userKey, String passwordKey) {
        return new Login(userName(userKey), Secrets.password(lookup, passwordKey));
    }

    String userName(String key) {
        String v = required(key);
        if (!v.matches("[A-Za-z0-9_.@-]{1,80}")) {
            throw new ConfigException(key, v, "must be a database user name (letters, digits, _ . @ -), e.g. debezium");
        }
        return v;
    }

    int positiveInt(String key, String meaning) {
        String v = required(key);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "must be a whole number greater than 0 (" + meaning + ")");
        }
        if (n <= 0) {
            throw new ConfigException(key, v, "must be a whole number greater than 0 (" + meaning + ")");
        }
        return n;
    }

    double positiveDouble(String key, String meaning) {
        String v = required(key);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "must be a number greater than 0 (" + meaning + ")");
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new ConfigException(key, v, "must be a number greater than 0 (" + meaning + ")");
        }
        return d;
    }

    double ratio(String key) {
        String v = required(key);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "must be a number from 0 to 1, e.g. 0.75");
        }
        if (!(d >= 0 && d <= 1)) {
            throw new ConfigException(key, v, "must be a number from 0 to 1, e.g. 0.75");
        }
        return d;
    }

    List<String> tenants(String key) {
        String v = required(key);
        List<String> list = Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        if (list.isEmpty() || !list.stream().allMatch(t -> t.matches("[a-z0-9][a-z0-9_-]{0,49}"))) {
            throw new ConfigException(key, v, "must be a comma-separated list of tenant ids (lower-case letters, digits, - or _), e.g. acme,buildright");
        }
        return list;
    }

    PipelineSettings.SourceFlavor flavor(String key) {
        String v = optional(key);
        if (v.isEmpty()) {
            return PipelineSettings.SourceFlavor.AUTO;
        }
        try {
            return PipelineSettings.SourceFlavor.valueOf(v.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, v, "must be mysql, mariadb, or empty to detect it from the server's version");
        }
    }

    /** One of {@code allowed} (lower case as written); {@code fallback} when unset. */
    String oneOf(String key, String fallback, String... allowed) {
        String v = optional(key).trim();
        if (v.isEmpty()) {
            return fallback;
        }
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new ConfigException(key, v, "must be one of " + String.join(", ", allowed));
    }

    boolean bool(String key) {
        String v = required(key);
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, v, "must be true or false");
        };
    }

    /** 0 when unset or empty. */
    int optionalPort(String key) {
        String v = raw(key);
        return v == null || v.isBlank() ? 0 : port(key);
    }

    int port(String key) {
        int p = positiveInt(key, "a TCP port");
        if (p > 65535) {
            throw new ConfigException(key, String.valueOf(p), "must be a TCP port (1-65535)");
        }
        return p;
    }

    String topicName(String key) {
        String v = required(key);
        if (!v.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ConfigException(key, v, "must be letters, digits, . _ or - (it names Kafka topics or groups), e.g. "
                    + (key.equals("KAFKA_GROUP_ID") ? "cdc-consumer-group" : "cg"));
        }
        return v;
    }

    String identifier(String key) {
        String v = required(key);
        if (!v.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(key, v, "must be a database name (letters, digits, _), e.g. piam");
        }
        return v;
    }

    String jdbcUrl(String key, String... prefixes) {
        String v = required(key);
        for (String p : prefixes) {
            if (v.startsWith(p)) {
                return v;
            }
        }
        throw new ConfigException(key, v, "must be a JDBC URL starting with " + String.join(" or ", prefixes));
    }
}
