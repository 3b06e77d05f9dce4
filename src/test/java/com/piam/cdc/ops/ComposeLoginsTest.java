package com.piam.cdc.ops;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.io.FileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker path's logins, checked statically (no Docker engine here): passwords come from .env
 * (never written in docker-compose.yml), the ClickHouse container gets its admin from
 * CLICKHOUSE_USER/CLICKHOUSE_PASSWORD (the image then drops its passwordless `default`) and the loader
 * and reader from ops/clickhouse-users, and the runtime logs in as users that exist there, may connect
 * from the network, and get their password from the same .env variable as the server.
 */
class ComposeLoginsTest {

    private static final Pattern REQUIRED_VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):\\?[^}]+}");
    /** A secret the plain demo does not need (a managed service's), empty unless .env sets it. */
    private static final Pattern OPTIONAL_SECRET = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*):-}");

    private static Map<String, Map<String, Object>> services;
    private static Properties demo;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws Exception {
        Map<String, Object> compose = (Map<String, Object>) new Load(LoadSettings.builder().build())
                .loadFromString(Files.readString(Path.of("docker-compose.yml")));
        services = (Map<String, Map<String, Object>>) compose.get("services");
        demo = new Properties();
        try (FileReader r = new FileReader(".env.example")) {
            demo.load(r);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> env(String service) {
        Map<String, String> env = new HashMap<>();
        ((Map<String, Object>) services.get(service).getOrDefault("environment", Map.of()))
                .forEach((k, v) -> env.put(k, String.valueOf(v)));
        return env;
    }

    /** The .env variable a value interpolates, failing when the value is anything else (a literal). */
    private static String variable(String service, String name) {
        String value = env(service).get(name);
        assertThat(value).as(service + " " + name).isNotNull();
        Matcher m = REQUIRED_VARIABLE.matcher(value);
        assertThat(m.matches()).as(service + " " + name + " is ${VAR:?message}, not a literal: " + value).isTrue();
        return m.group(1);
    }

    @Test
    void noPasswordIsWrittenInTheComposeFile() throws Exception {
        String yaml = Files.readString(Path.of("docker-compose.yml"));
        for (String key : demo.stringPropertyNames()) {
            assertThat(yaml).as("the demo value of " + key + " appears in docker-compose.yml").doesNotContain(demo.getProperty(key));
        }
        for (String service : services.keySet()) {
            env(service).forEach((name, value) -> {
                Matcher optional = OPTIONAL_SECRET.matcher(value);
                if (name.contains("PASSWORD") && optional.matches()) {
                    assertThat(optional.group(1)).as(service + " " + name + ": an optional secret of the same name").isEqualTo(name);
                } else if (name.contains("PASSWORD")) {
                    assertThat(demo.stringPropertyNames()).as(service + " " + name).contains(variable(service, name));
                }
            });
        }
        assertThat(yaml).doesNotContain("-prootpass", "rootpass");
        assertThat(Files.readString(Path.of(".gitignore"))).contains(".env\n");
        assertThat(Files.readString(Path.of("Makefile"))).as("demo-up writes .env the first time").contains("cp .env.example .env");
    }

    @Test
    void theClickHouseContainerGetsItsUsersAndTheRuntimeLogsInAsOneWithNetworkAccess() throws Exception {
        Map<String, String> clickhouse = env("clickhouse");
        assertThat(clickhouse).containsEntry("CLICKHOUSE_USER", "piam_admin");
        assertThat(variable("clickhouse", "CLICKHOUSE_PASSWORD")).isEqualTo("CLICKHOUSE_ADMIN_PASSWORD");
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) services.get("clickhouse").get("volumes");
        assertThat(volumes).contains("./ops/clickhouse-users/piam-users.xml:/etc/clickhouse-server/users.d/piam-users.xml:ro");

        Element users = (Element) DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new File("ops/clickhouse-users/piam-users.xml")).getDocumentElement().getElementsByTagName("users").item(0);
        Map<String, String> runtime = env("runtime");
        for (String[] login : List.of(new String[] {"CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD"},
                new String[] {"CLICKHOUSE_READER_USER", "CLICKHOUSE_READER_PASSWORD"})) {
            String user = runtime.get(login[0]);
            NodeList found = users.getElementsByTagName(user);
            assertThat(found.getLength()).as(login[0] + "=" + user + " is a user of piam-users.xml").isEqualTo(1);
            Element u = (Element) found.item(0);
            assertThat(u.getElementsByTagName("ip").item(0).getTextContent()).as(user + " may connect from the runtime's container")
                    .isEqualTo("::/0");
            String fromEnv = ((Element) u.getElementsByTagName("password").item(0)).getAttribute("from_env");
            // the server reads the password from its own environment; both sides interpolate one .env variable
            assertThat(variable("clickhouse", fromEnv)).as(user + "'s password on both sides").isEqualTo(variable("runtime", login[1]));
            assertThat(u.getElementsByTagName("grants").getLength()).as(user + " has grants").isEqualTo(1);
        }
        assertThat(users.getElementsByTagName("default").getLength()).as("no default user is added back").isZero();
    }

    @Test
    void everySettingComposeGivesTheRuntimeIsOneTheRuntimeReads() throws Exception {
        Properties known = new Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            known.load(in);
        }
        for (String name : env("runtime").keySet()) {
            String base = known.containsKey(name) ? name : name.replaceFirst("_FILE$", ""); // <NAME>_FILE: a secret's file
            assertThat(known.containsKey(base) || demo.containsKey(base) || base.equals("KAFKA_PASSWORD"))
                    .as("runtime " + name + " in docker-compose.yml is a setting of application.properties or .env.example "
                            + "(a misspelt name is silently ignored)").isTrue();
        }
    }

    @Test
    void debeziumConnectResolvesTheCapturePasswordFromItsEnvironment() throws Exception {
        String config = Files.readString(Path.of("ops/debezium/connector-config.json"));
        assertThat(config).contains("\"database.password\": \"${env:CAPTURE_PASSWORD}\"");
        Map<String, String> connect = env("debezium-connect");
        assertThat(connect).containsEntry("CONNECT_CONFIG_PROVIDERS", "env")
                .containsEntry("CONNECT_CONFIG_PROVIDERS_ENV_CLASS", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        assertThat(variable("debezium-connect", "CAPTURE_PASSWORD")).isEqualTo(variable("runtime", "CAPTURE_PASSWORD"));
    }

    @Test
    void mysqlUsersGetTheirPasswordsFromTheSameVariablesAsTheRuntime() throws Exception {
        assertThat(variable("mysql", "MYSQL_ROOT_PASSWORD")).isEqualTo("MYSQL_ROOT_PASSWORD");
        assertThat(variable("mysql", "CG_GENERATOR_PASSWORD")).isEqualTo(variable("runtime", "MYSQL_PASSWORD"));
        assertThat(variable("mysql", "CG_CAPTURE_PASSWORD")).isEqualTo(variable("runtime", "CAPTURE_PASSWORD"));
        assertThat(variable("mysql", "CG_MONITOR_PASSWORD")).isEqualTo(variable("runtime", "MYSQL_MONITOR_PASSWORD"));
        String users = Files.readString(Path.of("ops/mysql-init/01_users.sh"));
        List<String> used = new ArrayList<>();
        Matcher m = Pattern.compile("(CG_[A-Z_]+_PASSWORD)").matcher(users);
        while (m.find()) {
            used.add(m.group(1));
        }
        assertThat(env("mysql")).containsKeys(used.toArray(String[]::new));
        @SuppressWarnings("unchecked")
        List<Object> test = (List<Object>) ((Map<String, Object>) services.get("mysql").get("healthcheck")).get("test");
        assertThat(test.toString()).contains("$$MYSQL_ROOT_PASSWORD").doesNotContain(demo.getProperty("MYSQL_ROOT_PASSWORD"));
    }
}
