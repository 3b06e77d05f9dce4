package com.piam.cdc.tools;

import com.piam.cdc.config.ConfigException;
import com.piam.cdc.config.PipelineSettings;
import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.reconcile.DeadLetterKeys;
import com.piam.cdc.reconcile.Reconciler;
import com.piam.cdc.reconcile.WindowNames;
import com.zaxxer.hikari.HikariDataSource;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * {@code make reconcile [SINCE=… UNTIL=…]}: compares the source tables with ClickHouse's converged rows
 * minute by minute and prints one line per window; for a window that differs, up to 20 keys that are
 * missing, extra or different (with the columns that differ). Exit 0 when everything balances, 1 on a
 * difference, 2 when a service cannot be asked. SINCE/UNTIL: "2026-11-30 14:03" (UTC) or "-30m"/"-2h"
 * from now; the defaults are RECONCILE_LOOKBACK_MINUTES ago (not before the last make demo-reset) and
 * VERIFY_MAX_FRESHNESS_SECONDS ago.
 */
public final class ReconcileCommand {

    private ReconcileCommand() {
    }

    public static void main(String[] args) throws Exception {
        PipelineSettings settings = ToolSettings.load();
        long now = System.currentTimeMillis() / 1000;
        long since;
        long until;
        try {
            since = time(System.getenv("SINCE"), Math.max(now - settings.verify().reconcile().lookbackMinutes() * 60L,
                    Reconciler.resetPoint(new java.io.File(settings.cdc().dataDir()))), now);
            until = time(System.getenv("UNTIL"), now - settings.verify().maxFreshnessSeconds(), now);
        } catch (ConfigException e) {
            System.err.println("reconcile: " + e.getMessage());
            System.exit(2);
            return;
        }
        try (DeadLetterKeys deadLetters = new DeadLetterKeys(settings.cdc().kafka());
             HikariDataSource mysql = ToolSettings.pool("reconcile-mysql", settings.mysqlJdbcUrl(), settings.mysqlMonitor());
             HikariDataSource clickHouse = ToolSettings.pool("reconcile-clickhouse", settings.clickHouseJdbcUrl(), settings.clickHouseReader())) {
            Reconciler reconciler = new Reconciler(mysql, clickHouse, settings.clickHouseDatabase(), settings.tenants(), 60,
                    t -> deadLetters.keys(DeadLetterKeys.topic(settings.cdc(), t), Duration.ofSeconds(10)));
            System.exit(run(reconciler, since / 60 * 60, until / 60 * 60, System.out));
        }
    }

    /** Prints the comparison of [fromSec, toSec); 0 balanced, 1 a difference, 2 a service not answering. */
    public static int run(Reconciler reconciler, long fromSec, long toSec, PrintStream out) {
        out.printf("Reconciling %s .. %s UTC (source time, one line per minute with rows)%n", WindowNames.clock(fromSec), WindowNames.clock(toSec));
        int exit = 0;
        long rows = 0;
        int windows = 0;
        long setAside = 0;
        try {
            for (PipelineTable t : PipelineTable.values()) {
                for (Reconciler.Window w : reconciler.windows(t, fromSec, toSec)) {
                    windows++;
                    rows += w.sourceRows();
                    String span = WindowNames.clock(w.startSec()) + "-" + WindowNames.clock(w.startSec() + 60);
                    if (w.balanced()) {
                        out.printf("%s  %-14s source %6d  clickhouse %6d  ok%n", span, t.rows, w.sourceRows(), w.targetRows());
                        continue;
                    }
                    Reconciler.KeyDiff d = reconciler.keys(t, w.startSec(), w.startSec() + 60);
                    setAside += d.setAside().count();
                    if (d.balanced()) {
                        out.printf("%s  %-14s source %6d  clickhouse %6d  ok, %d set aside%n", span, t.rows, w.sourceRows(), w.targetRows(),
                                d.setAside().count());
                        d.reasons().forEach((k, reason) -> out.printf("      %-9s %s  (%s)%n", "set aside", k, reason));
                        continue;
                    }
                    exit = 1;
                    out.printf("%s  %-14s source %6d  clickhouse %6d  DIFFERENT: %d missing, %d extra, %d different, %d set aside%n", span,
                            t.rows, w.sourceRows(), w.targetRows(), d.missing().count(), d.extra().count(), d.different().count(),
                            d.setAside().count());
                    list(out, "missing", d.missing(), Map.of());
                    list(out, "extra", d.extra(), Map.of());
                    list(out, "different", d.different(), reconciler.differingColumns(t, d.different().sample()));
                }
            }
        } catch (Exception e) {
            out.println("reconcile: cannot compare: " + e.getMessage());
            return 2;
        }
        out.printf("%s: %d windows, %d source rows, %d set aside on the dead-letter topics%n", exit == 0 ? "In sync" : "NOT in sync",
                windows, rows, setAside);
        return exit;
    }

    private static void list(PrintStream out, String what, Reconciler.Keys keys, Map<String, List<String>> columns) {
        for (String k : keys.sample().subList(0, Math.min(20, keys.sample().size()))) {
            List<String> cols = columns.getOrDefault(k, List.of());
            out.printf("      %-9s %s%s%n", what, k, cols.isEmpty() ? "" : "  (" + String.join("; ", cols) + ")");
        }
        if (keys.count() > 20) {
            out.printf("      … and %d more %s%n", keys.count() - 20, what);
        }
    }

    /** "2026-11-30 14:03" (UTC), "-30m", "-2h", or the default when unset. */
    static long time(String value, long fallback, long nowSec) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String v = value.trim();
        try {
            if (v.matches("-\\d+[mh]")) {
                long n = Long.parseLong(v.substring(1, v.length() - 1));
                return nowSec - n * (v.endsWith("h") ? 3600 : 60);
            }
            return LocalDateTime.parse(v.replace(' ', 'T')).toEpochSecond(ZoneOffset.UTC);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ConfigException("SINCE/UNTIL", v, "must be a UTC time like 2026-11-30 14:03, or -30m / -2h from now");
        }
    }

}
