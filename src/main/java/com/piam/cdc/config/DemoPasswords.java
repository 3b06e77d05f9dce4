package com.piam.cdc.config;

import org.slf4j.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The bundled demo passwords (.env.example) are fine on 127.0.0.1 and nowhere else. A login that still uses one with a
 * host that is not this machine gets one WARN at start naming the setting, or, with PIAM_REQUIRE_SECRETS=true, stops
 * start-up. Whether the password came from the environment, a _FILE or the bundled default does not matter: the value
 * is public either way.
 */
public final class DemoPasswords {

    /** A password setting that holds its demo value and the host it is used with. */
    record Exposed(String setting, String host) {
    }

    private DemoPasswords() {
    }

    /** Warns (or, required, throws a {@link ConfigException}) about every demo password used with a remote host. */
    public static void check(PipelineSettings s, Logger log) {
        List<Exposed> exposed = exposed(s, Secrets.demoDefaults());
        if (exposed.isEmpty()) {
            return;
        }
        String which = String.join(", ", exposed.stream().map(e -> e.setting() + " (with " + e.host() + ")").toList());
        String fix = "set each to a secret of your own (the variable, or <NAME>_FILE naming a file that holds it; .env.example "
                + "lists them)";
        if (s.requireSecrets()) {
            throw new ConfigException("Invalid configuration: PIAM_REQUIRE_SECRETS=true and the bundled demo password is used for "
                    + which + ": " + fix);
        }
        log.warn("The bundled demo password is used for {}, a host other than this machine: anyone who read .env.example can log in "
                + "as that user; {}. PIAM_REQUIRE_SECRETS=true makes this stop start-up instead.", which, fix);
    }

    static List<Exposed> exposed(PipelineSettings s, Properties demo) {
        String mysql = remoteHost(s.mysqlJdbcUrl());
        String clickHouse = remoteHost(s.clickHouseJdbcUrl());
        List<Exposed> out = new ArrayList<>();
        if (s.ingestMode() == IngestMode.CDC) {
            add(out, demo, "MYSQL_PASSWORD", s.mysql(), mysql);
            add(out, demo, "MYSQL_MONITOR_PASSWORD", s.mysqlMonitor(), mysql);
            if (s.cdc().captureEnabled()) {
                add(out, demo, "CAPTURE_PASSWORD", s.cdc().capture(), isLoopback(s.cdc().mysqlHost()) ? null : s.cdc().mysqlHost());
            }
            String jaas = s.cdc().kafka().security().get("sasl.jaas.config");
            String kafkaDemo = demo.getProperty("KAFKA_PASSWORD");
            String kafkaHost = remoteHost("//" + s.cdc().kafkaBootstrap() + "/");
            if (jaas != null && kafkaDemo != null && kafkaHost != null && jaas.contains(" password=" + KafkaConnection.quoted(kafkaDemo) + ";")) {
                out.add(new Exposed("KAFKA_PASSWORD", kafkaHost));
            }
        }
        add(out, demo, "CLICKHOUSE_PASSWORD", s.clickHouse(), clickHouse);
        add(out, demo, "CLICKHOUSE_READER_PASSWORD", s.clickHouseReader(), clickHouse);
        return out;
    }

    private static void add(List<Exposed> out, Properties demo, String setting, Login login, String remote) {
        String value = demo.getProperty(setting);
        if (remote != null && value != null && !value.isEmpty() && value.equals(login.password())) {
            out.add(new Exposed(setting, remote));
        }
    }

    /** The first host of a JDBC URL that is not this machine ("jdbc:mariadb://h1:3306,h2/db?…"), null if all are. */
    static String remoteHost(String jdbcUrl) {
        int start = jdbcUrl.indexOf("//");
        if (start < 0) {
            return null;
        }
        String rest = jdbcUrl.substring(start + 2);
        int end = rest.length();
        for (char c : new char[] {'/', '?', ';'}) {
            int i = rest.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        for (String hostPort : rest.substring(0, end).split(",")) {
            String host = hostPort.replaceFirst("^[^@]*@", "");
            host = host.startsWith("[") ? host.substring(1, Math.max(1, host.indexOf(']'))) : host.replaceFirst(":[0-9]*$", "");
            if (!host.isEmpty() && !isLoopback(host)) {
                return host;
            }
        }
        return null;
    }

    static boolean isLoopback(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
}
