package com.piam.cdc.verify;

import com.piam.cdc.Retry;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.reconcile.DeadLetterKeys;
import com.piam.cdc.reconcile.Reconciler;

import static com.piam.cdc.reconcile.WindowNames.clock;
import static com.piam.cdc.reconcile.WindowNames.day;
import static com.piam.cdc.reconcile.WindowNames.moment;
import static com.piam.cdc.reconcile.WindowNames.window;

import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Continuous reconciliation: every RECONCILE_INTERVAL_SECONDS, in the background, the source tables and
 * ClickHouse's converged rows are compared minute by minute of source time over the last
 * RECONCILE_LOOKBACK_MINUTES, up to windows closed VERIFY_MAX_FRESHNESS_SECONDS ago. A window whose rows
 * or checksum differ is reported once it has stayed so for RECONCILE_GRACE_SECONDS (rows in flight arrive
 * and heal it before), naming its missing, extra and different keys. Keys are looked up (a streaming merge of
 * both sides, bounded memory) only for a window past its grace, at most KEY_LOOKUPS windows and KEY_LOOKUP_ROWS
 * rows a pass, and not again while the window's counts and sums stay as they were.
 */
final class ReconcileStage implements Stage {

    /** Windows whose keys are looked up per pass (the rest are reported by their counts). */
    private static final int KEY_LOOKUPS = 20;
    /** Rows (both sides) a pass looks keys up in at most: each costs a MySQL and a ClickHouse read, a few µs of our CPU. */
    private static final long KEY_LOOKUP_ROWS = 2_000_000;

    private final Reconciler reconciler;
    private final PipelineSettings.Reconcile config;
    private final int settleSeconds;
    private final ExecutorService pass = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "verify-reconcile");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean running = new AtomicBoolean();
    /** Window -> when it was first seen unbalanced. */
    private final Map<WindowId, Long> openSince = new HashMap<>();
    /** Window -> its keys, looked up when it had these counts and sums (not looked up again while they hold). */
    private final Map<WindowId, Drill> drilled = new HashMap<>();

    private record WindowId(PipelineTable table, long startSec) {
    }

    private record Drill(Reconciler.Window window, Reconciler.KeyDiff diff) {
    }
    private volatile long lastStartMs;
    /** [first, last + 60 s) of the windows left unbalanced past their grace (reported); null when none. */
    private volatile long[] openSpan;
    private volatile StageStatus last = StageStatus.of("reconcile").fact("state", "first comparison running").build();

    private final DeadLetterKeys deadLetters;

    /** {@code deadLetters}: closed with the stage (the dead-letter topic reader the reconciler asks). */
    private final File dataDir;

    ReconcileStage(Reconciler reconciler, PipelineSettings.Reconcile config, int settleSeconds, DeadLetterKeys deadLetters,
            File dataDir) {
        this.reconciler = reconciler;
        this.dataDir = dataDir;
        this.deadLetters = deadLetters;
        this.config = config;
        this.settleSeconds = settleSeconds;
    }

    @Override
    public String name() {
        return "reconcile";
    }

    @Override
    public StageStatus check(VerifyRound round) {
        // every interval the whole lookback; in between, while windows are reported, only their span at every round,
        // so that one which heals (late rows) is cleared at once without re-reading the rest. Windows within their
        // grace wait for the next whole pass: during a backlog they are many, and each re-check hashes their rows
        // in MySQL and ClickHouse again
        boolean full = round.now - lastStartMs >= config.intervalSeconds() * 1000L;
        long[] recheck = openSpan;
        if ((full || recheck != null) && running.compareAndSet(false, true)) {
            if (full) {
                lastStartMs = round.now;
            }
            pass.execute(() -> {
                try {
                    last = compare(System.currentTimeMillis(), full ? null : recheck);
                } finally {
                    running.set(false);
                }
            });
        }
        return last;
    }

    /** One full comparison; package-private so a test can run it in the foreground. */
    StageStatus compare(long nowMs) {
        return compare(nowMs, null);
    }

    /** {@code span}: [from, to) of the windows that differed, to compare only those again; null: the whole lookback. */
    private StageStatus compare(long nowMs, long[] span) {
        long t0 = System.currentTimeMillis();
        long now = nowMs / 1000;
        long from = span != null ? span[0] : Math.max(Math.max((now - config.lookbackMinutes() * 60L) / 60 * 60,
                Reconciler.resetPoint(dataDir)), (config.fromSec() + 59) / 60 * 60);
        long to = span != null ? span[1] : (now - settleSeconds) / 60 * 60;
        StageStatus.Builder b = StageStatus.of(name()).fact("range", clock(from) + "-" + clock(to))
                .fact("pass", span != null ? "re-check of the windows that differed" : "whole lookback");
        try {
            long rows = 0;
            int windows = 0;
            long setAside = 0;
            int lookups = 0;
            long lookupRows = 0;
            Map<Reconciler.Window, Reconciler.KeyDiff> due = new LinkedHashMap<>();
            Map<WindowId, Long> stillOpen = new HashMap<>();
            Map<WindowId, Drill> drilledNow = new HashMap<>();
            long graceMs = config.graceSeconds() * 1000L;
            for (PipelineTable t : PipelineTable.values()) {
                for (Reconciler.Window w : reconciler.windows(t, from, to)) {
                    windows++;
                    rows += w.sourceRows();
                    if (w.balanced()) {
                        continue;
                    }
                    WindowId id = new WindowId(t, w.startSec());
                    long since = openSince.getOrDefault(id, nowMs);
                    boolean pastGrace = nowMs - since >= graceMs;
                    Drill known = drilled.get(id);
                    Reconciler.KeyDiff d = known != null && known.window().equals(w) ? known.diff() : null;
                    // keys only of a window that stayed unbalanced for the grace: one still filling (rows in flight,
                    // a backlog) would be read again at every pass, hundreds of thousands of rows each at full speed
                    if (d == null && pastGrace && lookups < KEY_LOOKUPS && lookupRows < KEY_LOOKUP_ROWS) {
                        lookups++;
                        lookupRows += w.sourceRows() + w.targetRows();
                        d = reconciler.keys(t, w.startSec(), w.startSec() + 60);
                    }
                    if (d != null) {
                        drilledNow.put(id, new Drill(w, d));
                        if (d.balanced()) { // rows set aside on the dead-letter topic balance it
                            setAside += d.setAside().count();
                            continue;
                        }
                    }
                    stillOpen.put(id, since);
                    if (pastGrace) {
                        due.put(w, d);
                    }
                }
            }
            // a window of [from, to) that balanced again (late arrival) is forgotten; a re-check leaves the others as they were
            if (span == null) {
                openSince.clear();
                drilled.clear();
            } else {
                long passFrom = from;
                long passTo = to;
                openSince.keySet().removeIf(k -> k.startSec() >= passFrom && k.startSec() < passTo);
                drilled.keySet().removeIf(k -> k.startSec() >= passFrom && k.startSec() < passTo);
            }
            openSince.putAll(stillOpen);
            drilled.putAll(drilledNow);
            long[] reported = span(openSince, e -> nowMs - e.getValue() >= graceMs);
            openSpan = reported;
            long[] open = span(openSince, e -> true);
            b.fact("windows", windows).fact("source_rows", rows).fact("set_aside", setAside).fact("key_lookups", lookups)
                    .fact("open_within_grace", openSince.values().stream().filter(since -> nowMs - since < graceMs).count());
            // everything before the first window that differs (reported or not yet) is known to balance
            b.fact("in_sync_through", moment(open == null ? to : Math.min(open[0], to)));
            due.forEach((w, d) -> b.problem(describe(w, d)));
        } catch (Exception e) {
            b.problem("reconcile: cannot compare: " + Retry.rootMessage(e));
        }
        return b.fact("pass_ms", System.currentTimeMillis() - t0).fact("dead_letter_keys", deadLetters.describe()).build();
    }

    /** [first start, last start + 60 s) of the windows that match; null when none does. */
    private static long[] span(Map<WindowId, Long> windows, java.util.function.Predicate<Map.Entry<WindowId, Long>> which) {
        long[] span = null;
        for (Map.Entry<WindowId, Long> e : windows.entrySet()) {
            if (which.test(e)) {
                long start = e.getKey().startSec();
                span = span == null ? new long[] {start, start + 60} : new long[] {Math.min(span[0], start), Math.max(span[1], start + 60)};
            }
        }
        return span;
    }

    private static String describe(Reconciler.Window w, Reconciler.KeyDiff d) {
        String head = "reconcile: window " + window(w.startSec()) + " (" + w.table().rows + "): ";
        if (d == null) {
            return head + "source " + w.sourceRows() + " rows, ClickHouse " + w.targetRows() + ", checksums differ; make reconcile names the keys";
        }
        List<String> parts = new ArrayList<>();
        if (!d.missing().isEmpty()) {
            parts.add(d.missing().count() + " missing");
        }
        if (!d.extra().isEmpty()) {
            parts.add(d.extra().count() + " extra");
        }
        if (!d.different().isEmpty()) {
            parts.add(d.different().count() + " different");
        }
        if (!d.setAside().isEmpty()) {
            parts.add(d.setAside().count() + " set aside");
        }
        String example = !d.missing().isEmpty() ? d.missing().sample().get(0) : !d.different().isEmpty() ? d.different().sample().get(0)
                : d.extra().isEmpty() ? "" : d.extra().sample().get(0);
        return head + (parts.isEmpty() ? "differed, balanced again" : String.join(", ", parts) + ", e.g. " + example)
                + " (make reconcile SINCE='" + day(w.startSec()) + "' UNTIL='" + day(w.startSec() + 60) + "')";
    }

    @Override
    public void close() {
        pass.shutdownNow();
        try {
            deadLetters.close();
        } catch (Exception e) {
            // closing on shutdown: nothing to tell
        }
    }
}
