package com.piam.cdc.tools.chaos;

import com.piam.cdc.config.ConfigException;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * What {@code make chaos} does: the generator's rate under the faults (CHAOS_RATE), how many SIGKILLs
 * (CHAOS_KILLS), how long ClickHouse and Kafka stay down, which faults (CHAOS_FAULTS), the random seed
 * of the moments (CHAOS_SEED, printed so that a run can be repeated), the longest random pause before a
 * fault (CHAOS_PAUSE_SECONDS, at least 2), and how long each recovery and the final catch-up may take
 * before the run fails.
 */
record ChaosSettings(double rate, int kills, int clickHouseDownSeconds, int kafkaDownSeconds, Set<Fault> faults, long seed,
        int pauseSeconds, int recoverySeconds, int catchUpSeconds) {

    static ChaosSettings from(Function<String, String> env) {
        String faults = value(env, "CHAOS_FAULTS", Fault.all());
        Set<Fault> set = EnumSet.noneOf(Fault.class);
        for (String f : faults.split(",")) {
            if (!f.isBlank()) {
                set.add(Fault.parse("CHAOS_FAULTS", f));
            }
        }
        if (set.isEmpty()) {
            throw new ConfigException("CHAOS_FAULTS", faults, "must name at least one of " + Fault.all());
        }
        String seed = value(env, "CHAOS_SEED", String.valueOf(ThreadLocalRandom.current().nextLong(1, 1_000_000)));
        try {
            return new ChaosSettings(number(env, "CHAOS_RATE", "300", 1, 5_000), (int) number(env, "CHAOS_KILLS", "10", 0, 100),
                    (int) number(env, "CHAOS_CLICKHOUSE_DOWN_SECONDS", "60", 1, 3_600),
                    (int) number(env, "CHAOS_KAFKA_DOWN_SECONDS", "30", 1, 3_600), set, Long.parseLong(seed),
                    (int) number(env, "CHAOS_PAUSE_SECONDS", "15", 2, 600),
                    (int) number(env, "CHAOS_RECOVERY_SECONDS", "180", 10, 3_600),
                    (int) number(env, "CHAOS_CATCHUP_SECONDS", "300", 10, 3_600));
        } catch (NumberFormatException e) {
            throw new ConfigException("CHAOS_SEED", seed, "must be a whole number");
        }
    }

    /**
     * The faults in the order they are injected: the others in a fixed order (clickhouse, kafka, mariadb,
     * reject, stop), the kills spread evenly before, between and after them.
     */
    List<Fault> sequence() {
        List<Fault> others = faults.stream().filter(f -> f != Fault.KILL).toList();
        int killCount = faults.contains(Fault.KILL) ? kills : 0;
        List<Fault> out = new ArrayList<>();
        int kill = 0;
        for (int gap = 0; gap <= others.size(); gap++) {
            while (kill < killCount && (long) kill * (others.size() + 1) / killCount == gap) {
                out.add(Fault.KILL);
                kill++;
            }
            if (gap < others.size()) {
                out.add(others.get(gap));
            }
        }
        return out;
    }

    /** One line for the start of the run: "make chaos: 300 events/s; 10 kills, ClickHouse down 60 s, …; seed 42". */
    String summary() {
        List<String> parts = new ArrayList<>();
        for (Fault f : faults) {
            parts.add(switch (f) {
                case KILL -> kills + " kills";
                case CLICKHOUSE -> "ClickHouse down " + clickHouseDownSeconds + " s";
                case KAFKA -> "Kafka down " + kafkaDownSeconds + " s";
                default -> f.what;
            });
        }
        return "make chaos: " + (rate == Math.rint(rate) ? String.valueOf((long) rate) : String.valueOf(rate)) + " events/s; "
                + String.join(", ", parts) + "; seed " + seed;
    }

    private static String value(Function<String, String> env, String key, String fallback) {
        String v = env.apply(key);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static double number(Function<String, String> env, String key, String fallback, double min, double max) {
        String v = value(env, key, fallback);
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "must be a number from " + (long) min + " to " + (long) max);
        }
        if (d < min || d > max || (!key.equals("CHAOS_RATE") && d != Math.rint(d))) {
            throw new ConfigException(key, v, "must be " + (key.equals("CHAOS_RATE") ? "a number" : "a whole number") + " from "
                    + (long) min + " to " + (long) max);
        }
        return d;
    }
}
