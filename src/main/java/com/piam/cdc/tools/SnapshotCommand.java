package com.piam.cdc.tools;

import com.piam.cdc.capture.SnapshotRequests;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;

import java.util.List;

/**
 * {@code make snapshot [TABLE=events|health] [WHERE="<condition>"]}: asks the capturing runtime to read a source
 * table again, e.g. after rows were deleted from a ClickHouse fact table. Debezium's incremental snapshot does it:
 * in chunks, interleaved with the changes it streams (a row changed meanwhile is sent as changed, never older),
 * resumed from the last finished chunk when capture restarts or moves to another runtime. The request goes to the
 * signal topic, so whichever runtime captures reads it; the rows re-read converge in ClickHouse (same versions or
 * newer). WHERE limits the rows (SQL on the source table). Exit 0 when the request was written, 2 when not.
 */
public final class SnapshotCommand {

    private SnapshotCommand() {
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings settings = ToolSettings.load();
        String table = System.getenv().getOrDefault("TABLE", "").strip().toLowerCase();
        List<PipelineTable> tables = SnapshotRequests.tables(table);
        if (tables == null) {
            System.err.println("snapshot: TABLE=" + table + " is not a table of the pipeline; use TABLE=events or TABLE=health "
                    + "(or leave it out for both)");
            System.exit(2);
            return;
        }
        String where = System.getenv("WHERE");
        try {
            request(settings.cdc(), tables, where == null || where.isBlank() ? null : where.strip());
        } catch (Exception e) {
            System.err.println("snapshot: could not write the request to " + settings.cdc().signalTopic() + " at "
                    + settings.cdc().kafkaBootstrap() + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("snapshot: asked the capturing runtime to read " + tables.stream().map(t -> t.source).toList()
                + (where == null || where.isBlank() ? "" : " where " + where.strip())
                + " again (in chunks, between the changes it streams); its log shows the progress");
    }

    /** The signal Debezium's Kafka channel reads: keyed by the topic prefix, an incremental execute-snapshot. */
    static String signal(PipelineSettings.Cdc cdc, List<PipelineTable> tables, String where) {
        return SnapshotRequests.signal(cdc, tables, where, "make-snapshot-" + System.currentTimeMillis());
    }

    /** Writes the request to the signal topic; returns once Kafka has it. */
    public static void request(PipelineSettings.Cdc cdc, List<PipelineTable> tables, String where) throws Exception {
        SnapshotRequests.request(cdc, tables, where, "make-snapshot-" + System.currentTimeMillis());
    }
}
