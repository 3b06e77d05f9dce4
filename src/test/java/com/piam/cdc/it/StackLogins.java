package com.piam.cdc.it;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Base64;
import java.util.Properties;

/**
 * The local stack's credentials as its scripts see them (ops/local/credentials.sh): the environment,
 * then .env, then .env.example. Tests log in as the admin or root where they act as the operator.
 */
public final class StackLogins {

    private StackLogins() {
    }

    public static String password(String key) {
        String env = System.getenv(key);
        if (env != null) {
            return env;
        }
        for (String file : new String[] {".env", ".env.example"}) {
            Properties p = load(Path.of(file));
            if (p.getProperty(key) != null) {
                return p.getProperty(key);
            }
        }
        throw new IllegalStateException(key + " is in neither the environment, .env nor .env.example");
    }

    private static Properties load(Path file) {
        Properties p = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file, e);
            }
        }
        return p;
    }

    /** The stack's Kafka as the tests' settings name it (ops/local/test-env.sh exports KAFKA_BOOTSTRAP). */
    static String kafkaBootstrap() {
        return System.getenv().getOrDefault("KAFKA_BOOTSTRAP", "127.0.0.1:" + System.getenv().getOrDefault("KAFKA_PORT", "9092"));
    }

    /** A port of the stack as its scripts see it (the environment, else the default): MYSQL_PORT 3306, CLICKHOUSE_PORT 8123. */
    static int port(String name) {
        return Integer.parseInt(System.getenv().getOrDefault(name, switch (name) {
            case "MYSQL_PORT" -> "3306";
            case "CLICKHOUSE_PORT" -> "8123";
            case "KAFKA_PORT" -> "9092";
            case "KAFKA_SECURE_PORT" -> "9094";
            case "CLICKHOUSE_HTTPS_PORT" -> "8443";
            default -> throw new IllegalArgumentException(name);
        }));
    }

    static File dataDir() {
        return new File(System.getenv().getOrDefault("PIAM_DATA_DIR", ".local")).getAbsoluteFile();
    }

    /** MariaDB's root, which logs in over the stack's socket only. */
    static Connection mariadbRoot(String database) throws Exception {
        return DriverManager.getConnection("jdbc:mariadb://localhost/" + database + "?localSocket="
                + new File(dataDir(), "run/mysql.sock").getPath(), "root", null);
    }

    /** HTTP Basic credentials of a ClickHouse user: piam_admin, piam_loader or piam_reader. */
    static String clickHouseBasicAuth(String user) {
        String key = switch (user) {
            case "piam_admin" -> "CLICKHOUSE_ADMIN_PASSWORD";
            case "piam_loader" -> "CLICKHOUSE_PASSWORD";
            case "piam_reader" -> "CLICKHOUSE_READER_PASSWORD";
            default -> throw new IllegalArgumentException(user);
        };
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password(key)).getBytes(StandardCharsets.UTF_8));
    }
}
