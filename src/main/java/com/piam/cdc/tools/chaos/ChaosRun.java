package com.piam.cdc.tools.chaos;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The faults one after the other under load: before each, a random pause (the moment a kill lands is
 * random); after each, the wait for the runtime's verdict to be HEALTHY again, measured from the end of the
 * fault, with what the verdict said meanwhile.
 */
final class ChaosRun {

    /** One fault: what, when (ms since the run's start), how long it lasted, what the verdict said, when HEALTHY again. */
    record Step(int n, Fault fault, String detail, long atMs, long lastedMs, String seen, Long healthyAfterMs) {

        boolean recovered() {
            return healthyAfterMs != null;
        }
    }

    private final ChaosSettings settings;
    private final FaultInjector injector;
    private final VerdictLog verdicts;
    private final Random random;
    private final PrintStream out;

    ChaosRun(ChaosSettings settings, FaultInjector injector, VerdictLog verdicts, Random random, PrintStream out) {
        this.settings = settings;
        this.injector = injector;
        this.verdicts = verdicts;
        this.random = random;
        this.out = out;
    }

    /** Injects every fault of the sequence; stops early when the pipeline does not recover from one. */
    List<Step> run(long startMs) throws Exception {
        List<Step> steps = new ArrayList<>();
        int n = 0;
        for (Fault fault : settings.sequence()) {
            n++;
            Thread.sleep(2_000 + random.nextInt(Math.max(1, settings.pauseSeconds() * 1000 - 2_000)));
            long t0 = System.currentTimeMillis();
            out.printf("  %2d  %s  %s ...%n", n, ChaosReport.clock(t0 - startMs), fault.what);
            String detail = injector.inject(fault);
            long t1 = System.currentTimeMillis();
            Optional<VerdictLog.Sample> healthy = verdicts.awaitRecovered(t1, settings.recoverySeconds() * 1000L);
            long until = healthy.map(VerdictLog.Sample::atMs).orElse(System.currentTimeMillis());
            List<VerdictLog.Sample> problems = verdicts.problems(t0, until);
            String seen = problems.isEmpty() ? "HEALTHY throughout" : worst(problems).describe();
            // HEALTHY again: the verdict HEALTHY with changes captured and batches loaded since the fault ended
            Step step = new Step(n, fault, detail, t0 - startMs, t1 - t0, seen,
                    healthy.map(s -> Math.max(0, s.atMs() - t1)).orElse(null));
            steps.add(step);
            out.printf("      %s; %s%n", detail, step.recovered() ? "HEALTHY again after " + ChaosReport.seconds(step.healthyAfterMs())
                    : "not HEALTHY within " + settings.recoverySeconds() + " s: " + verdicts.latest().map(VerdictLog.Sample::describe).orElse("?"));
            if (!step.recovered()) {
                break;
            }
        }
        return steps;
    }

    /** DOWN over DEGRADED; the first of the worst kind. */
    static VerdictLog.Sample worst(List<VerdictLog.Sample> problems) {
        return problems.stream().filter(s -> s.status().equals("DOWN")).findFirst().orElse(problems.get(0));
    }
}
