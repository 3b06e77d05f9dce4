package com.piam.cdc.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Where a password comes from, first match wins: {@code <KEY>_FILE} naming a file that holds it (the
 * Docker secrets convention; one trailing line break is dropped), {@code <KEY>} itself (environment,
 * -D, application.properties), the demo default in {@code .env.example} (bundled in the jar: the one
 * place the local stack, Compose and the runtime share). Also hides passwords inside JDBC URLs.
 */
public final class Secrets {

    /** The demo credentials file, copied into the jar from the project root. */
    static final String DEMO_DEFAULTS = "/.env.example";

    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)((?:password|pwd|secret)[^=&;?]*=)[^&;]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/@:]*:)[^/@]*@");

    private Secrets() {
    }

    static String password(Function<String, String> lookup, String key) {
        String file = lookup.apply(key + "_FILE");
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).replaceFirst("\r?\n$", "");
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(key + "_FILE", file.trim(), "cannot read the password from that file ("
                        + e.getClass().getSimpleName() + "); give a readable file, or " + key + " itself");
            }
        }
        String value = lookup.apply(key);
        if (value != null) {
            return value;
        }
        String demo = demoDefaults().getProperty(key);
        return demo == null ? "" : demo;
    }

    /**
     * {@code lookup} with passwords (and the files naming them) taken as they are from a -D system property or the
     * environment first: Camel's property resolution would treat "{{…}}" inside one as a placeholder and drops a backslash
     * before the value's last character ("a\\#" became "a#"), so such a password failed to log in.
     */
    public static Function<String, String> rawSecrets(Function<String, String> lookup) {
        return key -> {
            if (key.endsWith("_PASSWORD") || key.endsWith("_PASSWORD_FILE")) {
                String raw = System.getProperty(key, System.getenv(key)); // -D over the environment, as the tools read them
                if (raw != null) {
                    return raw;
                }
            }
            return lookup.apply(key);
        };
    }

    /** The bundled demo credentials (empty when the jar was built without them). */
    static Properties demoDefaults() {
        Properties p = new Properties();
        try (InputStream in = Secrets.class.getResourceAsStream(DEMO_DEFAULTS)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DEMO_DEFAULTS + " from the classpath", e);
        }
        return p;
    }

    /** A JDBC URL fit for a log line: password parameters and user:password@ shown as ****. */
    public static String maskUrl(String url) {
        if (url == null) {
            return null;
        }
        String masked = URL_PASSWORD.matcher(url).replaceAll("$1****");
        return URL_USER_INFO.matcher(masked).replaceAll("$1****@");
    }
}
