package com.piam.cdc.tools.chaos;

import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.reconcile.Reconciler;

import java.io.PrintStream;
import java.util.List;

/** The table {@code make chaos} ends with: each fault, and the final balance. */
final class ChaosReport {

    private ChaosReport() {
    }

    static void table(List<ChaosRun.Step> steps, PrintStream out) {
        out.printf("%n %2s  %-6s %-40s %-8s %-20s %s%n", "#", "at", "fault", "lasted", "HEALTHY again after", "verdict meanwhile");
        for (ChaosRun.Step s : steps) {
            out.printf(" %2d  %-6s %-40s %-8s %-20s %s%n", s.n(), clock(s.atMs()), clip(s.fault().what + " (" + s.detail() + ")", 40),
                    seconds(s.lastedMs()), s.recovered() ? seconds(s.healthyAfterMs()) : "NOT RECOVERED", s.seen());
        }
    }

    static void balance(Balance b, String range, long catchUpMs, PrintStream out) {
        out.printf("%nBalance over %s (source time), after a catch-up of %s:%n", range, seconds(catchUpMs));
        b.tables().forEach((t, side) -> out.printf("  %-16s source %,9d rows   ClickHouse %,9d rows (converged)%n", t.rows + ":",
                side.sourceRows(), side.clickHouseRows()));
        b.tables().forEach((t, side) -> {
            list(out, t, "missing", side.diff().missing());
            list(out, t, "extra", side.diff().extra());
            list(out, t, "different", side.diff().different());
            side.diff().reasons().forEach((k, reason) -> out.printf("      %s set aside (not injected) %s: %s%n", t.rows, k, reason));
        });
        int injected = b.injectedSetAside().size() + b.injectedNotSetAside().size();
        b.injectedSetAside().forEach((k, reason) -> out.printf("  set aside as injected: %s (%s)%n", k, clip(reason, 120)));
        b.injectedNotSetAside().forEach(k -> out.printf("  injected but NOT on the dead-letter topic: %s%n", k));
        out.printf("missing %d, extra %d, different %d, set aside %d of %d injected%s%n", b.missing(), b.extra(), b.different(),
                b.injectedSetAside().size() + b.setAsideInRange(), injected,
                b.setAsideInRange() > 0 ? " (" + b.setAsideInRange() + " of the run's own rows set aside)" : "");
    }

    private static void list(PrintStream out, PipelineTable t, String what, Reconciler.Keys keys) {
        keys.sample().stream().limit(20).forEach(k -> out.printf("      %s %s %s%n", t.rows, what, k));
        if (keys.count() > 20) {
            out.printf("      … and %d more %s%n", keys.count() - 20, what);
        }
    }

    /** mm:ss */
    static String clock(long ms) {
        long s = ms / 1000;
        return String.format("%02d:%02d", s / 60, s % 60);
    }

    static String seconds(long ms) {
        return (ms + 500) / 1000 + " s";
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
