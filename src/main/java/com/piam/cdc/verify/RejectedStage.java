package com.piam.cdc.verify;

import com.piam.cdc.consume.SourceColumns;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.load.RowsSetAside;
import com.piam.cdc.record.InjectedRows;
import org.apache.camel.CamelContext;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The verifier's "rejected" stage: rows set aside within VERIFY_SET_ASIDE_SECONDS per fact table
 * (consume: unreadable records; load: values ClickHouse cannot hold), with the newest reason and
 * where the row went, and the source columns the mapping needs but the records no longer carry.
 * On the CDC path the dead-letter topics are counted too (by record time), so rows set aside
 * before a restart, or by another runtime, still show.
 */
final class RejectedStage implements Stage {

    private final CamelContext context;
    private final RowsSetAside setAside;
    private final String database;
    private final long windowMs;
    private final Supplier<Map<String, DeadLetterRecency.Recent>> deadLetters;

    /** {@code deadLetters}: per fact table, the dead-letter topic's recent records (empty in direct mode). */
    RejectedStage(CamelContext context, RowsSetAside setAside, String database, long windowMs,
            Supplier<Map<String, DeadLetterRecency.Recent>> deadLetters) {
        this.context = context;
        this.setAside = setAside;
        this.database = database;
        this.windowMs = windowMs;
        this.deadLetters = deadLetters;
    }

    @Override
    public String name() {
        return "rejected";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        StageStatus.Builder b = StageStatus.of(name());
        Map<String, DeadLetterRecency.Recent> deadLetters = this.deadLetters.get();
        rows(b, setAside, database + "." + PipelineTable.ACCESS_EVENTS.fact, "access event", windowMs, deadLetters);
        rows(b, setAside, database + "." + PipelineTable.CONNECTOR_HEALTH.fact, "health row", windowMs, deadLetters);
        b.fact("set_aside_memory", setAside.bound());
        for (SourceColumns columns : context.getRegistry().findByType(SourceColumns.class)) {
            String since = VerifyText.clock(columns.changedAtMs());
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

    private static void rows(StageStatus.Builder b, RowsSetAside setAside, String table, String what, long windowMs,
            Map<String, DeadLetterRecency.Recent> deadLetters) {
        RowsSetAside.Recent mine = setAside.recent(table, windowMs);
        DeadLetterRecency.Recent topic = deadLetters.get(table);
        long count = Math.max(mine.count(), topic == null ? 0 : topic.count());
        String reason = mine.newestReason();
        String where = mine.newestWhere();
        long newestMs = mine.newestMs();
        String newestKey = "";
        if (topic != null && topic.count() > 0 && topic.newestMs() > newestMs) {
            reason = topic.newestReason();
            where = topic.newestSource() + " -> dead-letter topic";
            newestMs = topic.newestMs();
            newestKey = topic.newestKey();
        }
        String window = windowMs % 60_000 == 0 ? windowMs / 60_000 + " minutes" : windowMs / 1000 + " s";
        b.fact("set_aside_recent " + table, count).fact("set_aside_total " + table, mine.total());
        long injected = topic == null ? 0 : topic.injected();
        if (injected > 0) {
            b.fact("set_aside_injected " + table, injected);
        }
        if (count > 0) {
            b.fact("newest_set_aside " + table, reason + " (" + where + ")");
            b.problem(problem(count, what, window, newestMs, reason, where, injected, topic != null && topic.read() >= count, newestKey));
        }
    }

    /**
     * "rejected: 1 access event set aside in the last 10 minutes, injected by make chaos, newest 14:03:07: …": rows a tool
     * injected on purpose ({@link InjectedRows}) are named as such, so the verdict after {@code make chaos} says whose row it is.
     * {@code injected}: of the rows counted, those injected ({@code exact}: every one was looked at).
     */
    static String problem(long count, String what, String window, long newestMs, String reason, String where, long injected,
            boolean exact, String newestKey) {
        String share = injected == 0 ? ""
                : exact && injected >= count ? (count == 1 ? ", injected by make chaos" : ", all injected by make chaos")
                : " (" + (exact ? "" : "at least ") + injected + " of them injected by make chaos)";
        String newest = InjectedRows.namedIn(newestKey).or(() -> InjectedRows.namedIn(reason)).map(n -> "; " + n).orElse("");
        return "rejected: " + count + " " + what + (count == 1 ? "" : "s") + " set aside in the last " + window + share
                + ", newest " + VerifyText.clock(newestMs) + ": " + reason + " (" + where + newest + ")";
    }
}
