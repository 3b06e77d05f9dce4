package com.piam.cdc.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.generate.PacsSimulator;
import com.piam.cdc.verify.PipelineStatus;
import com.piam.cdc.verify.PipelineVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rows ClickHouse itself refuses, found by halving the batch (real ClickHouse): the fact table of
 * this test's own database knows no 'GENETEC' pacs_source, as if its schema lagged the source's.
 * In direct mode the refused rows go to the dead-letter file with ClickHouse's message; every
 * other row of the same batches is loaded, and every generated event ends in exactly one of the two.
 */
class DirectModeRejectIT extends PipelineITSupport {

    /** A database (and so a dead-letter file name) of this run's own: make test's PIAM_DATA_DIR (the environment) wins over DATA. */
    static final String DB = "piam_it_reject_" + Long.toString(System.currentTimeMillis(), 36);
    static final Path DATA = dataDir();

    @AfterAll
    static void dropTheDatabase() throws Exception {
        ClickHouseQuery.text("DROP DATABASE IF EXISTS " + DB);
    }

    @BeforeAll
    static void databaseWithANarrowerEnum() throws Exception {
        ClickHouseQuery.text("DROP DATABASE IF EXISTS " + DB);
        for (String file : List.of("01_schema.sql", "02_seed_dimensions.sql")) {
            String sql = Files.readString(Path.of("ops/clickhouse-init", file)).replace("piam.", DB + ".")
                    .replace("DATABASE IF NOT EXISTS piam;", "DATABASE IF NOT EXISTS " + DB + ";");
            if (file.startsWith("01")) {
                int table = sql.indexOf("CREATE TABLE IF NOT EXISTS " + DB + ".fact_access_events");
                int enumAt = sql.indexOf("pacs_source Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3, 'GENETEC' = 4)", table);
                sql = sql.substring(0, enumAt) + "pacs_source Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3)"
                        + sql.substring(enumAt + "pacs_source Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3, 'GENETEC' = 4)".length());
            }
            for (String statement : statements(sql)) {
                ClickHouseQuery.text(statement);
            }
        }
    }

    @Override
    protected Properties settings() {
        return props("INGEST_MODE", "direct", "EVENT_RATE_PER_SECOND", "50", "MAX_BATCH_EVENTS", "100",
                "FLUSH_INTERVAL_SECONDS", "1", "CLICKHOUSE_DATABASE", DB, "PIAM_DATA_DIR", DATA.toString(),
                // a database of its own, which only the admin may use (the loader and reader are limited to piam)
                "CLICKHOUSE_USER", "piam_admin", "CLICKHOUSE_PASSWORD", StackLogins.password("CLICKHOUSE_ADMIN_PASSWORD"),
                "CLICKHOUSE_READER_USER", "piam_admin", "CLICKHOUSE_READER_PASSWORD", StackLogins.password("CLICKHOUSE_ADMIN_PASSWORD"));
    }

    @Test
    void refusedRowsGoToTheDeadLetterFileAndTheRestOfTheirBatchLoads() throws Exception {
        Path data = Path.of(context.resolvePropertyPlaceholders("{{PIAM_DATA_DIR}}")); // as the runtime sees it
        File deadLetters = data.resolve("dead-letters/" + DB + ".fact_access_events.jsonl").toFile();
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters.isFile() && Files.readAllLines(deadLetters.toPath()).size() >= 3);
        stopGenerators();
        long generated = bean("pacsSimulator", PacsSimulator.class).accessEventsGenerated();
        // the last batches flush within the flush interval
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1)).until(() ->
                ClickHouseQuery.count("SELECT uniqExact(event_id) FROM " + DB + ".fact_access_events")
                        + Files.readAllLines(deadLetters.toPath()).size() >= generated);

        Set<String> loaded = new HashSet<>(ClickHouseQuery.column("SELECT event_id FROM " + DB + ".fact_access_events"));
        List<String> setAside = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(deadLetters.toPath())) {
            JsonNode letter = json.readTree(line);
            assertThat(letter.path("reason").asText()).contains("Unknown element 'GENETEC'", "ClickHouse refused it: Code 49");
            assertThat(letter.path("row").path("pacs_source").asText()).isEqualTo("GENETEC");
            setAside.add(letter.path("row").path("event_id").asText());
        }
        assertThat(ClickHouseQuery.count("SELECT count() FROM " + DB + ".fact_access_events")).as("each loaded once").isEqualTo(loaded.size());
        assertThat(setAside).doesNotHaveDuplicates().doesNotContainAnyElementsOf(loaded);
        assertThat(loaded.size() + setAside.size()).as("every generated event loaded or set aside").isEqualTo(generated);
        assertThat(ClickHouseQuery.count("SELECT count() FROM " + DB + ".fact_access_events WHERE pacs_source = 'LENEL'")).isPositive();
        // batches held GENETEC and other rows together: the others went in with them
        assertThat(ClickHouseQuery.count("SELECT uniqExact(ingest_ts_ms) FROM " + DB + ".fact_access_events")).isPositive();

        PipelineStatus status = bean("pipelineVerifier", PipelineVerifier.class).verify();
        assertThat(status.overall()).isEqualTo(PipelineStatus.Overall.DEGRADED);
        assertThat(status.reasons()).contains("access events set aside in the last 10 minutes", "Unknown element 'GENETEC'",
                deadLetters.getPath());
    }

    /** The statements of an init file (';' at a line's end), comments dropped. */
    static List<String> statements(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String l = line.strip();
            if (l.startsWith("--") || l.isEmpty()) {
                continue;
            }
            current.append(line).append('\n');
            if (l.endsWith(";")) {
                out.add(current.toString().strip().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        return out;
    }

    static Path dataDir() {
        try {
            return Files.createTempDirectory("piam-it-reject");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
