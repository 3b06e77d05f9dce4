package com.piam.cdc.it;

import com.piam.cdc.config.AwkwardPasswords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 24: the ClickHouse logins (loader and reader) with a password of every awkward character, through the
 * environment and through a _FILE, against the real ClickHouse. Two users of the tests' stack are added for it in
 * users.d (ClickHouse 18.16 merges and reloads it; they have the loader's and the reader's profiles); a direct-mode
 * runtime logged in as them loads rows and its verifier reads them, and the same runtime with one character wrong
 * stops at start-up naming CLICKHOUSE_PASSWORD.
 */
class ClickHousePasswordIT {

    private static final String PASSWORD = "ch-" + UUID.randomUUID() + "-" + AwkwardPasswords.ALL.get(0) + "{{x}}${env:HOME}\\";
    private final Path users = StackLogins.dataDir().toPath().resolve("clickhouse/users.d/it-awkward-password.xml");

    @TempDir
    Path secrets;

    @BeforeEach
    void addTheUsers() throws Exception {
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(PASSWORD.getBytes(StandardCharsets.UTF_8)));
        String net = "<networks><ip>127.0.0.1</ip><ip>::1</ip></networks><quota>default</quota>"
                + "<allow_databases><database>piam</database></allow_databases>";
        Files.createDirectories(users.getParent());
        Files.writeString(users, "<?xml version=\"1.0\"?>\n<yandex><users>"
                + "<piam_it_loader><password_sha256_hex>" + hash + "</password_sha256_hex>" + net + "<profile>piam_loader</profile></piam_it_loader>"
                + "<piam_it_reader><password_sha256_hex>" + hash + "</password_sha256_hex>" + net + "<profile>piam_reader</profile></piam_it_reader>"
                + "</users></yandex>\n");
        // ClickHouse reloads its users every few seconds
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> status("piam_it_reader", PASSWORD) == 200);
        assertThat(status("piam_it_reader", PASSWORD + "x")).as("one character more is refused").isNotEqualTo(200);
    }

    @AfterEach
    void removeThem() throws Exception {
        RuntimeProcess.killLeftovers();
        Files.deleteIfExists(users);
    }

    @Test
    void loaderAndReaderLogInWithEveryAwkwardCharacterFromTheEnvironmentAndFromAFile() throws Exception {
        loadsAndReads(Map.of("CLICKHOUSE_PASSWORD", PASSWORD, "CLICKHOUSE_READER_PASSWORD", PASSWORD));

        Path file = secrets.resolve("clickhouse-password");
        Files.writeString(file, PASSWORD + "\n");
        loadsAndReads(Map.of("CLICKHOUSE_PASSWORD_FILE", file.toString(), "CLICKHOUSE_READER_PASSWORD_FILE", file.toString(),
                "CLICKHOUSE_PASSWORD", "wrong", "CLICKHOUSE_READER_PASSWORD", "wrong"));

        Map<String, String> wrong = env(Map.of("CLICKHOUSE_PASSWORD", PASSWORD.substring(0, PASSWORD.length() - 1),
                "CLICKHOUSE_READER_PASSWORD", PASSWORD));
        RuntimeProcess refused = RuntimeProcess.start(wrong);
        assertThat(refused.process.waitFor(90, java.util.concurrent.TimeUnit.SECONDS)).as("start-up stops").isTrue();
        assertThat(refused.process.exitValue()).isNotZero();
        assertThat(refused.log()).contains("CLICKHOUSE_PASSWORD").doesNotContain(PASSWORD.substring(3, 20));
    }

    private void loadsAndReads(Map<String, String> passwords) throws Exception {
        long since = System.currentTimeMillis();
        RuntimeProcess runtime = RuntimeProcess.start(env(passwords));
        String mine = "SELECT count() FROM piam.fact_access_events WHERE ingest_ts_ms >= " + since;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> ClickHouseQuery.count(mine) > 0);
        // the verifier reads ClickHouse as piam_it_reader: its report has the rows
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(runtime.get("/observe/pipeline")).contains("\"clickhouse\"").doesNotContain("Authentication failed"));
        assertThat(runtime.log()).doesNotContain("Authentication failed").doesNotContain("password is incorrect")
                .doesNotContain(PASSWORD.substring(3, 20));
        runtime.process.destroy();
        runtime.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static Map<String, String> env(Map<String, String> passwords) {
        Map<String, String> env = new HashMap<>(Map.of("INGEST_MODE", "direct", "EVENT_RATE_PER_SECOND", "20",
                "CLICKHOUSE_USER", "piam_it_loader", "CLICKHOUSE_READER_USER", "piam_it_reader"));
        env.putAll(passwords);
        return env;
    }

    private static int status(String user, String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + StackLogins.port("CLICKHOUSE_PORT")
                        + "/?query=SELECT%201")).header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
