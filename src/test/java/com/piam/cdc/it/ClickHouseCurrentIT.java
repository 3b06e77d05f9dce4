package com.piam.cdc.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.ConnectorHealth;
import com.piam.cdc.domain.DeletedKey;
import com.piam.cdc.domain.PacsType;
import com.piam.cdc.load.FactTable;
import com.piam.cdc.load.RowBinaryFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Docker path's ClickHouse side, on these machines: current ClickHouse (26.7, in-process through
 * the npm package chdb; no newer server than 18.16 runs here) takes the init DDL, the loader and reader
 * of ops/clickhouse-users with exactly their grants, every query of ClickHouseQueries (found by
 * reflection, so a new one is checked too), the loader's inserts and deletes by key, and the scripts'
 * SQL (ops/clickhouse-ops). Each statement's tables are covered by the grants of the user that sends it.
 */
class ClickHouseCurrentIT {

    static final String CHDB_VERSION = "3.4.0";
    private static final String DB = "piam";

    enum Sender { LOADER, READER, ADMIN }

    /** Who sends each query of ClickHouseQueries; a query missing here fails the test (say who sends it). */
    private static final Map<String, Sender> SENDERS = Map.ofEntries(
            Map.entry("connectors", Sender.LOADER), Map.entry("sites", Sender.LOADER), Map.entry("locations", Sender.LOADER),
            Map.entry("people", Sender.LOADER), Map.entry("accessEventsTableExists", Sender.LOADER),
            Map.entry("connectorHealthTableExists", Sender.LOADER), Map.entry("healthSourceIdColumn", Sender.LOADER),
            Map.entry("recentAccessEvents", Sender.READER), Map.entry("recentHealthChecks", Sender.READER),
            Map.entry("expectedConnectors", Sender.READER), Map.entry("lastCheckByConnector", Sender.READER),
            Map.entry("freshnessRecent", Sender.READER), Map.entry("reconcileAccessEventSlots", Sender.READER),
            Map.entry("reconcileHealthSlots", Sender.READER),
            Map.entry("liveSiteMinutes", Sender.READER), Map.entry("liveDenyMinutes", Sender.READER),
            Map.entry("liveSuspicious", Sender.READER), Map.entry("liveConnectors", Sender.READER), Map.entry("accessEventPresent", Sender.LOADER),
            Map.entry("accessEventRows", Sender.LOADER), Map.entry("accessEventsSince", Sender.LOADER),
            Map.entry("ingestRangeSince", Sender.LOADER), Map.entry("freshnessBetween", Sender.LOADER),
            Map.entry("reconcileAccessEventWindows", Sender.READER), Map.entry("reconcileAccessEventKeys", Sender.READER),
            Map.entry("reconcileAccessEventColumns", Sender.READER), Map.entry("reconcileHealthWindows", Sender.READER),
            Map.entry("reconcileHealthKeys", Sender.READER), Map.entry("reconcileHealthColumns", Sender.READER),
            Map.entry("traceAccessEventRows", Sender.READER), Map.entry("traceAccessEventShown", Sender.READER),
            Map.entry("traceHealthRows", Sender.READER), Map.entry("traceHealthShown", Sender.READER));

    record Statement(String name, Sender sender, String sql) {
    }

    private static final Map<String, JsonNode> results = new LinkedHashMap<>();
    private static final List<Statement> statements = new ArrayList<>();

    @BeforeAll
    static void runEverythingOnCurrentClickHouse() throws Exception {
        File chdb = installChdb();
        Path work = Files.createTempDirectory("piam-chdb");
        for (File f : sorted(new File("ops/clickhouse-init"), ".sql")) {
            int i = 0;
            for (String sql : DirectModeRejectIT.statements(Files.readString(f.toPath()))) {
                statements.add(new Statement(f.getName() + "#" + ++i, Sender.ADMIN, sql));
            }
        }
        statements.add(new Statement("grants piam_loader", Sender.ADMIN, "SHOW GRANTS FOR piam_loader"));
        statements.add(new Statement("grants piam_reader", Sender.ADMIN, "SHOW GRANTS FOR piam_reader"));
        statements.add(new Statement("users", Sender.ADMIN, "SELECT name FROM system.users ORDER BY name"));
        loaderWrites(work).forEach(statements::add);
        statements.add(new Statement("converged after the delete", Sender.READER,
                "SELECT count() FROM piam.access_events_current WHERE event_id = 'it-chdb-1'"));
        statements.add(new Statement("deleted copy", Sender.READER,
                "SELECT is_deleted, version, cdc_op FROM piam.fact_access_events FINAL WHERE event_id = 'it-chdb-1'"));
        statements.add(new Statement("health delete by source_id", Sender.READER,
                "SELECT count() FROM piam.connector_health_current WHERE source_id = 77"));
        statements.add(new Statement("rollup fed", Sender.READER,
                "SELECT uniqExactMerge(events) FROM piam.rollup_access_hourly WHERE site_id = 'it-chdb-site'"));
        for (Method m : queryMethods()) {
            statements.add(new Statement(m.getName(), SENDERS.get(m.getName()), (String) m.invoke(null, sampleArguments(m))));
        }
        for (File f : sorted(new File("ops/clickhouse-ops"), ".sql")) {
            int i = 0;
            for (String sql : DirectModeRejectIT.statements(Files.readString(f.toPath()).replace("SINCE_MS", "0"))) {
                statements.add(new Statement(f.getName() + "#" + ++i, Sender.ADMIN, sql));
            }
        }

        Path job = work.resolve("job.json");
        Path output = work.resolve("results.json");
        ObjectMapper json = new ObjectMapper();
        json.writeValue(job.toFile(), Map.of("chdb", chdb.getAbsolutePath(), "workDir", work.toString(),
                "usersXml", new File("ops/clickhouse-users/piam-users.xml").getAbsolutePath(),
                "env", Map.of("CLICKHOUSE_LOADER_PASSWORD", "loader-chdb", "CLICKHOUSE_READER_PASSWORD", "reader-chdb"),
                "statements", statements.stream().map(s -> Map.of("name", s.name(), "sql", s.sql())).toList(),
                "output", output.toString()));
        Process node = new ProcessBuilder("node", new File("src/test/chdb/run-statements.js").getAbsolutePath(), job.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("node.log").toFile()).start();
        assertThat(node.waitFor(5, TimeUnit.MINUTES)).as("node finished").isTrue();
        assertThat(node.exitValue()).as("node: " + Files.readString(work.resolve("node.log"))).isZero();
        for (JsonNode r : json.readTree(output.toFile())) {
            results.put(r.get("name").asText(), r);
        }
    }

    /** chdb in the data folder's tools (an npm install of about 550 MB, once per machine). */
    static File installChdb() throws Exception {
        File dir = new File(StackLogins.dataDir(), "tools/chdb-" + CHDB_VERSION);
        if (!new File(dir, "node_modules/chdb/package.json").isFile()) {
            Files.createDirectories(dir.toPath());
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--prefix", dir.getAbsolutePath(),
                    "chdb@" + CHDB_VERSION).redirectErrorStream(true).redirectOutput(new File(dir, "npm-install.log")).start();
            assertThat(npm.waitFor(10, TimeUnit.MINUTES)).as("npm install chdb").isTrue();
            assertThat(npm.exitValue()).as("npm install chdb@" + CHDB_VERSION + ": " + Files.readString(dir.toPath().resolve("npm-install.log")))
                    .isZero();
        }
        return dir;
    }

    private static List<File> sorted(File dir, String suffix) {
        File[] files = dir.listFiles((d, n) -> n.endsWith(suffix));
        assertThat(files).as(dir + "/*" + suffix).isNotEmpty();
        return Arrays.stream(files).sorted().toList();
    }

    static List<Method> queryMethods() {
        return Arrays.stream(ClickHouseQueries.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getReturnType() == String.class && !m.getName().equals("literal"))
                .sorted((a, b) -> a.getName().compareTo(b.getName())).toList();
    }

    private static Object[] sampleArguments(Method m) {
        Object[] args = new Object[m.getParameterCount()];
        Class<?>[] types = m.getParameterTypes();
        long now = Instant.now().toEpochMilli();
        for (int i = 0; i < args.length; i++) {
            if (types[i] == String.class) {
                args[i] = i == 0 ? DB : i == 1 ? "acme" : "it-chdb-1";
            } else if (types[i] == long.class) {
                args[i] = now - 600_000 + i;
            } else if (types[i] == List.class) {
                boolean numbers = m.getGenericParameterTypes()[i].getTypeName().equals("java.util.List<java.lang.Long>");
                args[i] = numbers ? List.of(77L) : List.of("acme", "buildright");
            } else {
                throw new AssertionError(m.getName() + " takes a " + types[i] + ": give the test a sample of it");
            }
        }
        return args;
    }

    /**
     * The loader's batches as it sends them: each sample row once as RowBinary (the statement with the data read from a
     * file, as clickhouse-local takes it) and once as the VALUES text with the values in place of the placeholders; then
     * both copies must be equal in every column but the ingest stamp; then the deletes by key.
     */
    private static List<Statement> loaderWrites(Path work) throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        AccessEvent event = new AccessEvent("it-chdb-1", "acme", t, "acme-p1001", "ACM-1", "it-chdb-site", "acme-hq-lobby", "IN", "DENY",
                "ACCESS_DENIED", "Badge expired", "E42", PacsType.LENEL, "OG-1", "{\"k\":\"it's\"}", true, "after hours", 0.8f);
        ConnectorHealth health = new ConnectorHealth("acme", "lenel-primary", "Lenel Primary", PacsType.LENEL, "8.1", t, "OK", 12,
                3.5f, 0, t, null, null, "https://x", t, 77);
        FactTable<AccessEvent> events = FactTable.accessEvents(DB);
        FactTable<ConnectorHealth> checks = FactTable.connectorHealth(DB);
        Change<AccessEvent> eventChange = new Change<>(event, Change.Op.CREATE, t.toEpochMilli(), 10);
        Change<ConnectorHealth> healthChange = new Change<>(health, Change.Op.CREATE, t.toEpochMilli(), 10);
        long ingest = t.toEpochMilli() + 5;
        Path eventData = work.resolve("access-event.rowbinary");
        Path healthData = work.resolve("health-check.rowbinary");
        Files.write(eventData, RowBinaryFixture.encode(events, List.of(eventChange), ingest + 1));
        Files.write(healthData, RowBinaryFixture.encode(checks, List.of(healthChange), ingest + 1));
        return List.of(
                new Statement("insert access event", Sender.LOADER, withValues(events.insertSql(ingest), events.values(eventChange))),
                new Statement("insert access event in RowBinary", Sender.LOADER, fromFile(events.binaryInsertSql(), eventData)),
                new Statement("insert health check", Sender.LOADER, withValues(checks.insertSql(ingest), checks.values(healthChange))),
                new Statement("insert health check in RowBinary", Sender.LOADER, fromFile(checks.binaryInsertSql(), healthData)),
                new Statement("access event: RowBinary = text", Sender.READER, "SELECT count(), uniqExact(tuple("
                        + String.join(", ", events.columnNames()) + ")) FROM piam.fact_access_events WHERE event_id = 'it-chdb-1'"),
                new Statement("health check: RowBinary = text", Sender.READER, "SELECT count(), uniqExact(tuple("
                        + String.join(", ", checks.columnNames()) + ")) FROM piam.fact_connector_health WHERE source_id = 77"),
                new Statement("delete access event by key", Sender.LOADER, events.deleteByKeySql(
                        List.of(new Change<>(new DeletedKey("event_id", "it-chdb-1", false), Change.Op.DELETE, t.toEpochMilli(), 20)), ingest)),
                new Statement("delete health check by key", Sender.LOADER, checks.deleteByKeySql(
                        List.of(new Change<>(new DeletedKey("source_id", "77", true), Change.Op.DELETE, t.toEpochMilli(), 20)), ingest)));
    }

    /** "INSERT ... FORMAT RowBinary" with its data read from a file (clickhouse-local's form of sending data after the query). */
    private static String fromFile(String insert, Path data) {
        assertThat(insert).endsWith(" FORMAT RowBinary");
        return insert.replace(" FORMAT RowBinary", " FROM INFILE '" + data.toAbsolutePath() + "' FORMAT RowBinary");
    }

    private static String withValues(String insert, Object[] values) {
        StringBuilder sql = new StringBuilder();
        int v = 0;
        for (char c : insert.toCharArray()) {
            if (c == '?') {
                Object value = values[v++];
                sql.append(value == null ? "NULL" : value instanceof Number ? value.toString() : ClickHouseQueries.literal(value.toString()));
            } else {
                sql.append(c);
            }
        }
        assertThat(v).as("placeholders = mapped values").isEqualTo(values.length);
        return sql.toString();
    }

    private static String result(String name) {
        JsonNode r = results.get(name);
        assertThat(r).as("result of " + name).isNotNull();
        assertThat(r.get("ok").asBoolean()).as(name + " on ClickHouse 26.7: " + (r.has("error") ? r.get("error").asText() : "")).isTrue();
        return r.get("result").asText().strip();
    }

    @Test
    void everyStatementRunsOnCurrentClickHouse() {
        List<String> failed = new ArrayList<>();
        for (Statement s : statements) {
            JsonNode r = results.get(s.name());
            if (r == null || !r.get("ok").asBoolean()) {
                failed.add(s.name() + ": " + (r == null ? "no result" : r.get("error").asText()) + "\n    " + s.sql());
            }
        }
        assertThat(failed).as("statements ClickHouse 26.7 refused").isEmpty();
        assertThat(statements).hasSizeGreaterThan(30);
    }

    @Test
    void everyQueryOfTheCatalogSaysWhoSendsIt() {
        Set<String> methods = queryMethods().stream().map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(methods).as("ClickHouseQueries methods vs SENDERS in this test").isEqualTo(new TreeSet<>(SENDERS.keySet()));
    }

    @Test
    void theLoaderAndReaderHaveExactlyTheirGrantsAndNoDefaultUserComesBack() {
        // `default` is chdb's own session user here; in Compose the image replaces it by piam_admin
        assertThat(result("users").lines().toList()).containsExactly("default", "piam_loader", "piam_reader");
        assertThat(result("grants piam_reader")).isEqualTo("GRANT SELECT ON piam.* TO piam_reader");
        assertThat(result("grants piam_loader").lines().toList()).containsExactlyInAnyOrder(
                "GRANT SELECT, INSERT ON piam.fact_access_events TO piam_loader",
                "GRANT SELECT, INSERT ON piam.fact_connector_health TO piam_loader",
                "GRANT INSERT ON piam.rollup_access_hourly TO piam_loader",
                "GRANT INSERT ON piam.rollup_connector_latest TO piam_loader",
                "GRANT SELECT ON piam.dim_tenant TO piam_loader",
                "GRANT SELECT ON piam.dim_connector TO piam_loader",
                "GRANT SELECT ON piam.dim_site TO piam_loader",
                "GRANT SELECT ON piam.dim_location TO piam_loader",
                "GRANT SELECT ON piam.dim_person TO piam_loader");
    }

    @Test
    void eachStatementTouchesOnlyTablesItsSendersGrantsCover() {
        Map<Sender, Map<String, Set<String>>> grants = Map.of(
                Sender.LOADER, parseGrants(result("grants piam_loader")), Sender.READER, parseGrants(result("grants piam_reader")));
        List<String> uncovered = new ArrayList<>();
        Pattern table = Pattern.compile("\\bpiam\\.([a-z_]+)");
        for (Statement s : statements) {
            if (s.sender() == Sender.ADMIN) {
                continue;
            }
            Matcher into = Pattern.compile("^INSERT INTO piam\\.([a-z_]+)").matcher(s.sql());
            String target = into.find() ? into.group(1) : null;
            Matcher m = table.matcher(s.sql());
            Set<String> read = new TreeSet<>();
            while (m.find()) {
                read.add(m.group(1));
            }
            if (target != null) {
                read.remove(target);
                if (!allowed(grants.get(s.sender()), "INSERT", target)) {
                    uncovered.add(s.name() + ": INSERT on " + target);
                }
                if (s.sql().contains(" SELECT ") && !allowed(grants.get(s.sender()), "SELECT", target)) {
                    uncovered.add(s.name() + ": SELECT on " + target);
                }
            }
            for (String t : read) {
                if (!allowed(grants.get(s.sender()), "SELECT", t)) {
                    uncovered.add(s.name() + " (" + s.sender() + "): SELECT on " + t);
                }
            }
        }
        assertThat(uncovered).isEmpty();
    }

    /** table (or *) -> privileges, from SHOW GRANTS lines. */
    private static Map<String, Set<String>> parseGrants(String showGrants) {
        Map<String, Set<String>> byTable = new TreeMap<>();
        for (String line : showGrants.lines().toList()) {
            Matcher m = Pattern.compile("GRANT (.+) ON piam\\.([a-z_*]+) TO .*").matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            byTable.computeIfAbsent(m.group(2), k -> new TreeSet<>()).addAll(Arrays.asList(m.group(1).split(", ")));
        }
        return byTable;
    }

    private static boolean allowed(Map<String, Set<String>> grants, String privilege, String table) {
        return grants.getOrDefault(table, Set.of()).contains(privilege) || grants.getOrDefault("*", Set.of()).contains(privilege);
    }

    @Test
    void theLoadersWritesMeanTheSameOnCurrentClickHouse() {
        assertThat(result("converged after the delete")).as("deleted by key: hidden by the converged view").isEqualTo("0");
        assertThat(result("deleted copy")).isEqualTo("1\t20\td");
        assertThat(result("health delete by source_id")).isEqualTo("0");
        assertThat(result("rollup fed")).as("the materialized view ran with the insert").isEqualTo("1");
        assertThat(result("access event: RowBinary = text")).as("two copies, equal in every column").isEqualTo("2\t1");
        assertThat(result("health check: RowBinary = text")).as("two copies, equal in every column").isEqualTo("2\t1");
    }
}
