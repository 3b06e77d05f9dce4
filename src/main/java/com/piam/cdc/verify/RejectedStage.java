package com.piam.cdc.verify;

import com.piam.cdc.consume.SourceColumns;
import com.piam.cdc.load.RowsSetAside;
import org.apache.camel.CamelContext;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The verifier's "rejected" stage: rows set aside in the last 10 minutes per fact table (consume:
 * unreadable records; load: values ClickHouse cannot hold), with the newest reason and where the
 * row went, and the source columns the mapping needs but the records no longer carry.
 */
final class RejectedStage {

    static final long WINDOW_MS = 10 * 60_000L;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private RejectedStage() {
    }

    static StageStatus check(CamelContext context, RowsSetAside setAside, String database) {
        StageStatus.Builder b = StageStatus.of("rejected");
        rows(b, setAside, database + ".fact_access_events", "access event");
        rows(b, setAside, database + ".fact_connector_health", "health row");
        for (SourceColumns columns : context.getRegistry().findByType(SourceColumns.class)) {
            String since = CLOCK.format(Instant.ofEpochMilli(columns.changedAtMs()));
            if (!columns.missingRequired().isEmpty()) {
                b.problem("rejected: " + columns.table() + " has no column " + String.join(", ", columns.missingRequired())
                        + " since " + since + ": the mapping needs it, so its records are set aside (restore the column "
                        + "or change the mapping)");
            }
            if (!columns.missingOptional().isEmpty()) {
                b.fact("missing_columns " + columns.table(), String.join(", ", columns.missingOptional())
                        + " (loaded as null since " + since + ")");
            }
            if (!columns.unused().isEmpty()) {
                b.fact("unmapped_columns " + columns.table(), String.join(", ", columns.unused()));
            }
        }
        return b.build();
    }

    private static void rows(StageStatus.Builder b, RowsSetAside setAside, String table, String what) {
        RowsSetAside.Recent r = setAside.recent(table, WINDOW_MS);
        b.fact("set_aside_10m " + table, r.count()).fact("set_aside_total " + table, r.total());
        if (r.count() > 0) {
            b.fact("newest_set_aside " + table, r.newestReason() + " (" + r.newestWhere() + ")");
            b.problem("rejected: " + r.count() + " " + what + (r.count() == 1 ? "" : "s") + " set aside in the last 10 minutes"
                    + ", newest " + CLOCK.format(Instant.ofEpochMilli(r.newestMs())) + ": " + r.newestReason()
                    + " (" + r.newestWhere() + ")");
        }
    }
}
