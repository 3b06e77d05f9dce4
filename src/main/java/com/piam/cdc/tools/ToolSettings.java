package com.piam.cdc.tools;

import com.piam.cdc.config.Login;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.Pools;
import com.zaxxer.hikari.HikariDataSource;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the command-line tools reach the services: the runtime's own settings (application.properties,
 * overridden by environment variables and -D, passwords as the runtime takes them) and one-connection
 * pools with the read-only logins.
 */
public final class ToolSettings {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9_.]+)}}");

    private ToolSettings() {
    }

    /**
     * The settings as the runtime reads them: an environment variable or -D of the same name over
     * application.properties, whose {{NAME}} placeholders are filled the same way. (No Camel context:
     * the tools print their own lines only.)
     */
    public static PipelineSettings load() throws IOException {
        return PipelineSettings.from(com.piam.cdc.config.Secrets.rawSecrets(lookup()));
    }

    /** A setting by name, resolved as {@link #load} does (null when unset): for a tool's own settings too. */
    public static Function<String, String> lookup() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = ToolSettings.class.getResourceAsStream("/application.properties")) {
            defaults.load(in);
        }
        return key -> lookup(defaults, key, 0);
    }

    static String lookup(Properties defaults, String key, int depth) {
        String v = System.getProperty(key, System.getenv(key));
        if (v == null) {
            v = defaults.getProperty(key);
        }
        if (v == null || depth > 10) {
            return v;
        }
        Matcher m = PLACEHOLDER.matcher(v);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String inner = lookup(defaults, m.group(1), depth + 1);
            m.appendReplacement(out, Matcher.quoteReplacement(inner == null ? m.group() : inner));
        }
        return m.appendTail(out).toString();
    }

    /** A one-connection pool (Pools) that fails fast (3 s) when the service is not there, and reads for up to 2 minutes. */
    public static HikariDataSource pool(String name, String url, Login login) {
        return Pools.create(name, url, login, 1, c -> {
            c.setConnectionTimeout(3_000);
            c.addDataSourceProperty("socket_timeout", "120000"); // ClickHouse
            c.addDataSourceProperty("socketTimeout", "120000"); // MariaDB / MySQL
        });
    }
}
