package com.piam.cdc.tools;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The heap a JVM keeps after a full collection, asked with jcmd (GC.run, GC.heap_info), and its trend over a run (make soak). */
final class HeapAfterGc {

    private static final Pattern USED = Pattern.compile("(generation|Metaspace)\\s+(?:total \\d+K, )?used (\\d+)K");

    private HeapAfterGc() {
    }

    /** {used heap KB, used metaspace KB} right after a full collection. */
    static long[] measure(long pid) throws Exception {
        jcmd(pid, "GC.run");
        return used(jcmd(pid, "GC.heap_info"));
    }

    /** Sums "used NK" of the generations (heap) and reads Metaspace's, from jcmd GC.heap_info. */
    static long[] used(String heapInfo) {
        long heap = 0;
        long meta = 0;
        Matcher m = USED.matcher(heapInfo);
        while (m.find()) {
            if (m.group(1).equals("Metaspace")) {
                meta = Long.parseLong(m.group(2));
            } else {
                heap += Long.parseLong(m.group(2));
            }
        }
        return new long[] {heap, meta};
    }

    /** "heap after full GC: 41.0 MB at minute 5, 41.3 MB at minute 60; least-squares slope +0.2 MB/hour". */
    static String trend(List<double[]> samples) {
        if (samples.size() < 2) {
            return "soak: too few samples for a trend";
        }
        int n = samples.size();
        double mx = samples.stream().mapToDouble(s -> s[0]).average().orElse(0);
        double my = samples.stream().mapToDouble(s -> s[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (double[] s : samples) {
            num += (s[0] - mx) * (s[1] - my);
            den += (s[0] - mx) * (s[0] - mx);
        }
        double min = samples.stream().mapToDouble(s -> s[1]).min().orElse(0);
        double max = samples.stream().mapToDouble(s -> s[1]).max().orElse(0);
        return String.format("soak: heap after full GC %.1f MB at minute %.0f, %.1f MB at minute %.0f (min %.1f, max %.1f); "
                + "least-squares slope %+.2f MB/hour", samples.get(0)[1], samples.get(0)[0], samples.get(n - 1)[1], samples.get(n - 1)[0],
                min, max, den == 0 ? 0 : num / den * 60);
    }

    static String jcmd(long pid, String command) throws Exception {
        Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + out);
        }
        return out;
    }
}
