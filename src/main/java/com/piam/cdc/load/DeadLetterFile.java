package com.piam.cdc.load;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct mode has no Kafka: rows ClickHouse cannot take are appended, one JSON line each with the
 * reason, to {@code <PIAM_DATA_DIR>/dead-letters/<table>.jsonl}, and the file is named in the log.
 */
public final class DeadLetterFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final File dir;

    public DeadLetterFile(File dataDir) {
        this.dir = new File(dataDir, "dead-letters");
    }

    /** Appends the row (its column values) with the reason; returns the file written. */
    public synchronized File write(String table, List<String> columns, Object[] values, String reason) throws IOException {
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new IOException("cannot create " + dir.getAbsolutePath());
        }
        File file = new File(dir, table + ".jsonl");
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.size() && i < values.length; i++) {
            row.put(columns.get(i), values[i]);
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("set_aside_at", Instant.now().toString());
        line.put("table", table);
        line.put("reason", reason);
        line.put("row", row);
        Files.write(file.toPath(), (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8),
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return file;
    }
}
