package com.piam.cdc.tools;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import jdk.management.jfr.ConfigurationInfo;
import jdk.management.jfr.FlightRecorderMXBean;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Where a bench phase's CPU and allocation go: per thread group of the runtime (Debezium, capture, consume,
 * load, generator, …) the CPU time and bytes allocated per loaded row, read from the runtime's own
 * ThreadMXBean over JMX at the start and the end of the phase (exact, per Java thread); the JVM's own threads
 * (GC, JIT) as the rest of the process's CPU (/proc); MariaDB, Kafka and ClickHouse per row from /proc.
 * With a JFR file given, a Flight Recorder profile of the same window (recorded by the runtime, started and
 * dumped over JMX) adds the top frames, allocation sites and exceptions thrown.
 */
final class BenchProfile {

    private static final double TICK_NS = 1e9 / 100; // Linux USER_HZ
    private static final String[] SERVICES = {"mysql", "kafka", "clickhouse"};

    /** Thread groups by thread name, first match wins; the names are the runtime's (jcmd PID Thread.print). */
    private static final Map<String, Predicate<String>> GROUPS = new LinkedHashMap<>();

    static {
        // Debezium's engine runs the capture route on its own pool threads: binlog reading, change events, our encoding
        // and sending share them (the JFR profile's "our methods" tells our part)
        GROUPS.put("capture: Debezium engine + capture route", n -> n.startsWith("blc-") || n.startsWith("debezium-")
                || n.startsWith("pool-") || n.contains("DebeziumConsumer") || n.startsWith("CaptureOffsetStore"));
        GROUPS.put("capture: Kafka producer (network)", n -> n.contains("| piam-capture"));
        GROUPS.put("consume: Kafka poll, mapping", n -> n.contains("KafkaConsumer[") || n.startsWith("kafka-coordinator-heartbeat"));
        GROUPS.put("load: aggregate, ClickHouse insert", n -> n.contains("seda://") || n.endsWith("-writer")
                || n.contains("AggregateTimeoutChecker") || n.startsWith("piam-clickhouse"));
        GROUPS.put("generator", n -> n.contains("timer://generate-") || n.startsWith("cloudgate-mysql"));
        GROUPS.put("dead letters", n -> n.contains("piam-dead-letters"));
        GROUPS.put("verifier, live view, HTTP", n -> n.startsWith("verify-") || n.startsWith("reconcile-") || n.startsWith("live-view")
                || n.contains("timer://verify") || n.contains("timer://watch") || n.startsWith("kafka-admin-client")
                || n.startsWith("vert.x") || n.contains("platform-http"));
    }

    private final JMXConnector connector;
    private final com.sun.management.ThreadMXBean threads;
    private final FlightRecorderMXBean flightRecorder;
    private final long recording;
    private final Path jfrFile;
    private final long pid;
    private final long processTicks;
    private final Map<String, Long> serviceTicks = new LinkedHashMap<>();
    private final Map<Long, long[]> start;
    /** The latest reading of each thread: a thread that ends before the phase does (the generator's, stopped) counts to then. */
    private final Map<Long, long[]> latest = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    private final File dataDir;

    private BenchProfile(JMXConnector connector, long pid, File dataDir, Path jfrFile) throws Exception {
        this.connector = connector;
        this.pid = pid;
        this.dataDir = dataDir;
        this.jfrFile = jfrFile;
        MBeanServerConnection mbeans = connector.getMBeanServerConnection();
        this.threads = ManagementFactory.newPlatformMXBeanProxy(mbeans, ManagementFactory.THREAD_MXBEAN_NAME,
                com.sun.management.ThreadMXBean.class);
        if (jfrFile != null) {
            flightRecorder = ManagementFactory.newPlatformMXBeanProxy(mbeans, "jdk.management.jfr:type=FlightRecorder",
                    FlightRecorderMXBean.class);
            recording = flightRecorder.newRecording();
            Map<String, String> settings = new HashMap<>(flightRecorder.getConfigurations().stream()
                    .filter(c -> c.getName().equals("profile")).findFirst().map(ConfigurationInfo::getSettings).orElseThrow());
            settings.put("jdk.JavaExceptionThrow#enabled", "true"); // off in 'profile'; exceptions per row are a cost of their own
            flightRecorder.setRecordingSettings(recording, settings);
            flightRecorder.startRecording(recording);
        } else {
            flightRecorder = null;
            recording = -1;
        }
        this.processTicks = ticks(pid);
        for (String s : SERVICES) {
            serviceTicks.put(s, ticks(servicePid(s)));
        }
        this.start = snapshot();
    }

    /** Starts measuring now; {@code jfrFile}: where the runtime writes its Flight Recorder profile (null: none). */
    static BenchProfile start(int jmxPort, long pid, File dataDir, Path jfrFile) throws Exception {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        return new BenchProfile(JMXConnectorFactory.connect(url), pid, dataDir, jfrFile);
    }

    /** Reads every thread's figures now (call it every second or so: threads that end meanwhile keep their last reading). */
    void sample() {
        try {
            latest.putAll(snapshot());
        } catch (RuntimeException e) {
            // the runtime is busy or gone: the next reading or the end counts
        }
    }

    /** The figures per row for {@code rows} loaded since the start; stops the recording. Lines to print, indented. */
    List<String> report(long rows) throws Exception {
        Map<Long, long[]> end = new HashMap<>(latest);
        end.putAll(snapshot());
        long processNs = (long) ((ticks(pid) - processTicks) * TICK_NS);
        Map<String, long[]> byGroup = new LinkedHashMap<>();
        GROUPS.keySet().forEach(g -> byGroup.put(g, new long[2]));
        byGroup.put("other Java threads", new long[2]);
        long javaNs = 0;
        long allocated = 0;
        for (Map.Entry<Long, long[]> e : end.entrySet()) {
            long[] before = start.getOrDefault(e.getKey(), new long[2]);
            long cpu = Math.max(0, e.getValue()[0] - before[0]);
            long alloc = Math.max(0, e.getValue()[1] - before[1]);
            long[] g = byGroup.get(group(names.get(e.getKey())));
            g[0] += cpu;
            g[1] += alloc;
            javaNs += cpu;
            allocated += alloc;
        }
        List<String> out = new ArrayList<>();
        out.add(String.format(Locale.ROOT, "per loaded row (%,d rows), by thread group:      CPU µs   allocated bytes", rows));
        byGroup.forEach((g, v) -> out.add(String.format(Locale.ROOT, "  %-38s %8.1f %14s", g, v[0] / 1e3 / rows, bytes(v[1], rows))));
        out.add(String.format(Locale.ROOT, "  %-38s %8.1f", "JVM: GC, JIT, VM (process - Java threads)", Math.max(0, processNs - javaNs) / 1e3 / rows));
        out.add(String.format(Locale.ROOT, "  %-38s %8.1f %14s", "runtime total", processNs / 1e3 / rows, bytes(allocated, rows)));
        List<String> services = new ArrayList<>();
        for (String s : SERVICES) {
            long t = ticks(servicePid(s));
            long t0 = serviceTicks.get(s);
            services.add(t < 0 || t0 < 0 ? s + " not measured" : String.format(Locale.ROOT, "%s %.1f µs", name(s), (t - t0) * TICK_NS / 1e3 / rows));
        }
        out.add("  services per row: " + String.join(", ", services));
        if (flightRecorder != null) {
            flightRecorder.stopRecording(recording);
            flightRecorder.copyTo(recording, jfrFile.toAbsolutePath().toString());
            flightRecorder.closeRecording(recording);
            out.addAll(frames(jfrFile, rows));
        }
        connector.close();
        return out;
    }

    /** Thread id -> {CPU ns, allocated bytes}, names kept. */
    private Map<Long, long[]> snapshot() {
        long[] ids = threads.getAllThreadIds();
        long[] cpu = threads.getThreadCpuTime(ids);
        long[] alloc = threads.getThreadAllocatedBytes(ids);
        java.lang.management.ThreadInfo[] infos = threads.getThreadInfo(ids);
        Map<Long, long[]> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] != null && cpu[i] >= 0) {
                names.put(ids[i], infos[i].getThreadName());
                out.put(ids[i], new long[] {cpu[i], Math.max(0, alloc[i])});
            }
        }
        return out;
    }

    static String group(String threadName) {
        if (threadName != null) {
            for (Map.Entry<String, Predicate<String>> g : GROUPS.entrySet()) {
                if (g.getValue().test(threadName)) {
                    return g.getKey();
                }
            }
        }
        return "other Java threads";
    }

    /** Top frames (execution samples: the method on top, and our own methods anywhere in the stack), allocation sites, exceptions. */
    static List<String> frames(Path jfr, long rows) throws Exception {
        Map<String, Integer> leaf = new HashMap<>();
        Map<String, Integer> callers = new HashMap<>();
        Map<String, Integer> ours = new HashMap<>();
        Map<String, Long> allocationSites = new HashMap<>();
        Map<String, Integer> exceptions = new HashMap<>();
        int samples = 0;
        long sampledBytes = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            String type = e.getEventType().getName();
            RecordedStackTrace stack = e.getStackTrace();
            if (type.equals("jdk.ExecutionSample") && stack != null && !stack.getFrames().isEmpty()) {
                samples++;
                leaf.merge(method(stack.getFrames().get(0)), 1, Integer::sum);
                callers.merge(site(stack), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame f : stack.getFrames()) {
                    String m = method(f);
                    if (m.startsWith("com.piam.") && !m.contains("$$Lambda") && seen.add(m)) {
                        ours.merge(m, 1, Integer::sum);
                    }
                }
            } else if (type.equals("jdk.ObjectAllocationSample") && stack != null && !stack.getFrames().isEmpty()) {
                long weight = e.getLong("weight");
                sampledBytes += weight;
                allocationSites.merge(site(stack), weight, Long::sum);
            } else if (type.equals("jdk.JavaExceptionThrow")) {
                exceptions.merge(e.getClass("thrownClass").getName() + (stack == null ? "" : " thrown in " + thrower(stack)), 1, Integer::sum);
            }
        }
        List<String> out = new ArrayList<>();
        double perSample = 100.0 / Math.max(1, samples);
        double perByte = 100.0 / Math.max(1, sampledBytes);
        out.add(String.format(Locale.ROOT, "JFR profile %s: %,d execution samples", jfr, samples));
        out.add("  top frames (the method running):");
        top(leaf, 10).forEach(e -> out.add(String.format(Locale.ROOT, "    %5.1f%%  %s", perSample * e.getValue(), e.getKey())));
        out.add("  top frames outside the JDK (the library or our method doing the work):");
        top(callers, 15).forEach(e -> out.add(String.format(Locale.ROOT, "    %5.1f%%  %s", perSample * e.getValue(), e.getKey())));
        out.add("  our methods on the stack (inclusive):");
        top(ours, 15).forEach(e -> out.add(String.format(Locale.ROOT, "    %5.1f%%  %s", perSample * e.getValue(), e.getKey())));
        out.add(String.format(Locale.ROOT, "  allocation sites (sampled, %s per row in all):", bytes(sampledBytes, rows)));
        top(allocationSites, 10).forEach(e -> out.add(String.format(Locale.ROOT, "    %5.1f%%  %s",
                perByte * e.getValue(), e.getKey())));
        long thrown = exceptions.values().stream().mapToLong(Integer::longValue).sum();
        out.add(String.format(Locale.ROOT, "  exceptions thrown: %,d (%.2f per row)", thrown, (double) thrown / rows));
        top(exceptions, 5).forEach(e -> out.add(String.format(Locale.ROOT, "    %,9d  %s", e.getValue(), e.getKey())));
        return out;
    }

    /** The first frame outside java.* / jdk.* (what allocated or threw, not the collection it used). */
    private static String site(RecordedStackTrace stack) {
        for (RecordedFrame f : stack.getFrames()) {
            String m = method(f);
            if (!m.startsWith("java.") && !m.startsWith("jdk.") && !m.startsWith("sun.")) {
                return m;
            }
        }
        return method(stack.getFrames().get(0));
    }

    /** The first frame that is not an exception's constructor (where it was thrown). */
    private static String thrower(RecordedStackTrace stack) {
        for (RecordedFrame f : stack.getFrames()) {
            if (!f.getMethod().getName().equals("<init>") && !f.getMethod().getName().equals("fillInStackTrace")) {
                return method(f);
            }
        }
        return method(stack.getFrames().get(0));
    }

    private static String method(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static <V extends Comparable<V>> List<Map.Entry<String, V>> top(Map<String, V> counts, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, V>comparingByValue().reversed()).limit(n).toList();
    }

    private static String bytes(long total, long rows) {
        return String.format(Locale.ROOT, "%,d B", total / Math.max(1, rows));
    }

    private static String name(String service) {
        return switch (service) {
            case "mysql" -> "MariaDB";
            case "kafka" -> "Kafka";
            default -> "ClickHouse";
        };
    }

    private long servicePid(String service) {
        try {
            return Long.parseLong(Files.readString(new File(dataDir, "run/" + service + ".pid").toPath()).strip());
        } catch (Exception e) {
            return -1;
        }
    }

    /** User + system CPU of a process in clock ticks (/proc/PID/stat); -1 when it cannot be read. */
    static long ticks(long pid) {
        if (pid <= 0) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (Exception e) {
            return -1;
        }
    }
}
