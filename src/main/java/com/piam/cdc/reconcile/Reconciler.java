package com.piam.cdc.reconcile;

import com.piam.cdc.clickhouse.ClickHouseQueries;
import com.piam.cdc.domain.PipelineTable;

import javax.sql.DataSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Compares the source tables with ClickHouse's converged rows (FINAL, deletes excluded), one minute
 * of source time at a time: row count and an order-independent checksum (the sum of each row's MD5
 * over its key and mapped columns), so a lost update or delete shows, not only a lost insert. For a
 * window that differs it names the keys: missing (in the source only), extra (in ClickHouse only),
 * different (both, other values), and for those the columns that differ.
 */
public final class Reconciler {

    private static final BigInteger MOD = BigInteger.ONE.shiftLeft(64);

    /** One window of one table: its start (epoch seconds) and both sides' rows and checksums. */
    public record Window(PipelineTable table, long startSec, long sourceRows, BigInteger sourceSum, long targetRows, BigInteger targetSum) {

        public boolean balanced() {
            return sourceRows == targetRows && sourceSum.equals(targetSum);
        }
    }

    /**
     * The keys of a range that do not match: missing (in the source only), extra (in ClickHouse only), different
     * (both, other values), and set aside (in the source, not in ClickHouse, and on the table's dead-letter topic:
     * part of the balance, not lost) with the reasons of the sampled ones. Counts are exact, keys sampled.
     */
    public record KeyDiff(Keys missing, Keys extra, Keys different, Keys setAside, Map<String, String> reasons) {

        /** Nothing missing, extra or different (rows set aside are accounted for). */
        public boolean balanced() {
            return missing.isEmpty() && extra.isEmpty() && different.isEmpty();
        }
    }

    /** Keys of one kind: how many, and the first {@link #KEY_SAMPLE} of them in byte order. */
    public record Keys(long count, List<String> sample) {

        public boolean isEmpty() {
            return count == 0;
        }
    }

    /** Keys named per kind and range: a report lists 20, a chaos run's balance all of a few; the counts are exact. */
    public static final int KEY_SAMPLE = 1000;

    private final DataSource source;
    private final DataSource target;
    private final String db;
    private final List<String> tenants;
    private final int timeoutSeconds;
    private final Function<PipelineTable, Map<String, String>> setAside;

    /**
     * {@code source}: a read-only MySQL login (cg_monitor); {@code target}: a read-only ClickHouse login
     * (piam_reader); {@code setAside}: per table, the keys on its dead-letter topic with their reasons.
     */
    public Reconciler(DataSource source, DataSource target, String db, List<String> tenants, int timeoutSeconds,
            Function<PipelineTable, Map<String, String>> setAside) {
        this.source = source;
        this.target = target;
        this.db = db;
        this.tenants = tenants;
        this.timeoutSeconds = timeoutSeconds;
        this.setAside = setAside;
    }

    /**
     * The first second reconciliation covers after a deliberate reset: {@code make demo-reset} deletes the
     * last day in ClickHouse and writes its time (epoch seconds) to {@code $PIAM_DATA_DIR/reconcile-from}, so
     * that day does not read as loss. 0 when there is no such file.
     */
    public static long resetPoint(File dataDir) {
        Path file = new File(dataDir, "reconcile-from").toPath();
        try {
            return Files.exists(file) ? (Long.parseLong(Files.readString(file).strip()) + 59) / 60 * 60 : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Every window of [fromSec, toSec) (whole minutes) that holds rows on either side, per table. Asked in
     * chunks of at most about {@link #CHUNK_ROWS} rows (ClickHouse's count per {@link #SLOT_SECONDS} decides
     * where to cut), both sides at once: ClickHouse's per-key GROUP BY holds a chunk's keys in memory (a whole
     * 5-million-row range exceeded 18.16's 1 GB per-query limit), and the two servers work in parallel.
     */
    public List<Window> windows(PipelineTable t, long fromSec, long toSec) throws SQLException {
        List<Window> out = new ArrayList<>();
        for (long[] chunk : chunks(t, fromSec, toSec)) {
            out.addAll(chunk(t, chunk[0], chunk[1]));
        }
        return out;
    }

    /** Source time is counted in slots of this much (a multiple of a minute, so that no window is cut). */
    static final long SLOT_SECONDS = 30 * 60;
    /** The most rows one query should group by key (a slot holding more is asked alone). */
    static final long CHUNK_ROWS = 1_000_000;

    /** [from, to) ranges covering [fromSec, toSec), each of whole slots holding at most CHUNK_ROWS rows (or one slot). */
    List<long[]> chunks(PipelineTable t, long fromSec, long toSec) throws SQLException {
        Map<Long, Long> perSlot = new HashMap<>();
        try (Connection c = target.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = st.executeQuery(t == PipelineTable.ACCESS_EVENTS
                    ? ClickHouseQueries.reconcileAccessEventSlots(db, tenants, fromSec, toSec, SLOT_SECONDS)
                    : ClickHouseQueries.reconcileHealthSlots(db, tenants, fromSec, toSec, SLOT_SECONDS))) {
                while (rs.next()) {
                    perSlot.put(rs.getLong(1), rs.getLong(2));
                }
            }
        }
        return cut(perSlot, fromSec, toSec);
    }

    /** Cuts [fromSec, toSec) before a slot that would take a chunk past CHUNK_ROWS. */
    static List<long[]> cut(Map<Long, Long> rowsPerSlot, long fromSec, long toSec) {
        List<long[]> out = new ArrayList<>();
        long start = fromSec;
        long rows = 0;
        for (long s = 0; fromSec + s * SLOT_SECONDS < toSec; s++) {
            long n = rowsPerSlot.getOrDefault(s, 0L);
            if (n > 0 && rows > 0 && rows + n > CHUNK_ROWS) {
                long at = fromSec + s * SLOT_SECONDS;
                out.add(new long[] {start, at});
                start = at;
                rows = 0;
            }
            rows += n;
        }
        if (start < toSec) {
            out.add(new long[] {start, toSec});
        }
        return out;
    }

    private List<Window> chunk(PipelineTable t, long fromSec, long toSec) throws SQLException {
        CompletableFuture<Map<Long, Object[]>> srcAsync = CompletableFuture.supplyAsync(() -> {
            try {
                return sums(source, SourceSql.windows(t, tenants, fromSec, toSec));
            } catch (SQLException e) {
                throw new CompletionException(e);
            }
        }, SOURCE_SIDE);
        Map<Long, Object[]> dst = sums(target, t == PipelineTable.ACCESS_EVENTS
                ? ClickHouseQueries.reconcileAccessEventWindows(db, tenants, fromSec, toSec)
                : ClickHouseQueries.reconcileHealthWindows(db, tenants, fromSec, toSec));
        Map<Long, Object[]> src;
        try {
            src = srcAsync.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof SQLException sql ? sql : new SQLException(e.getCause());
        }
        Set<Long> starts = new TreeSet<>(src.keySet());
        starts.addAll(dst.keySet());
        List<Window> out = new ArrayList<>();
        Object[] none = {0L, BigInteger.ZERO};
        for (long w : starts) {
            Object[] s = src.getOrDefault(w, none);
            Object[] d = dst.getOrDefault(w, none);
            out.add(new Window(t, w, (Long) s[0], (BigInteger) s[1], (Long) d[0], (BigInteger) d[1]));
        }
        return out;
    }

    /** Where the source side's query waits while ClickHouse's runs (daemon threads, made as needed). */
    private static final ExecutorService SOURCE_SIDE = Executors.newCachedThreadPool(r -> {
        Thread th = new Thread(r, "reconcile-source");
        th.setDaemon(true);
        return th;
    });

    /**
     * The keys of [fromSec, toSec) that differ between the two sides, in memory bounded whatever the range holds:
     * both sides stream their rows sorted by key and are merged ({@link KeyMerge}). ClickHouse is asked first: it
     * sorts before its first row, and MySQL would give up on a client that reads nothing for net_write_timeout.
     */
    public KeyDiff keys(PipelineTable t, long fromSec, long toSec) throws SQLException {
        try (Connection tc = target.getConnection(); Statement ts = tc.createStatement();
             Connection sc = source.getConnection(); Statement ss = sc.createStatement()) {
            ts.setQueryTimeout(timeoutSeconds);
            ss.setQueryTimeout(timeoutSeconds);
            streamRows(ss, sc);
            try (ResultSet dst = ts.executeQuery(t == PipelineTable.ACCESS_EVENTS
                    ? ClickHouseQueries.reconcileAccessEventKeys(db, tenants, fromSec, toSec)
                    : ClickHouseQueries.reconcileHealthKeys(db, tenants, fromSec, toSec));
                 ResultSet src = ss.executeQuery(SourceSql.keys(t, tenants, fromSec, toSec))) {
                return KeyMerge.merge(cursor(src), cursor(dst), deadLetterReason(t), KEY_SAMPLE);
            }
        }
    }

    /** Rows as they come instead of the whole result first (MariaDB's driver: a fetch size; MySQL Connector/J: MIN_VALUE). */
    private static void streamRows(Statement st, Connection c) throws SQLException {
        st.setFetchSize(c.getMetaData().getDriverName().toLowerCase(java.util.Locale.ROOT).contains("mariadb") ? 1000 : Integer.MIN_VALUE);
    }

    /** A key's reason on the table's dead-letter topic, or null; the topic is read at the first key asked (most windows ask none). */
    private Function<String, String> deadLetterReason(PipelineTable t) {
        Map<String, String>[] read = new Map[1];
        return key -> {
            if (read[0] == null) {
                read[0] = setAside.apply(t);
            }
            return read[0].get(key);
        };
    }

    private static KeyMerge.Cursor cursor(ResultSet rs) {
        return new KeyMerge.Cursor() {
            @Override
            public boolean next() throws SQLException {
                return rs.next();
            }

            @Override
            public String key() throws SQLException {
                return rs.getString(1);
            }

            @Override
            public String hash() throws SQLException {
                return rs.getString(2);
            }
        };
    }

    /** Per key, the fingerprint columns whose values differ ("status: OK -> WARN"); at most 20 keys asked. */
    public Map<String, List<String>> differingColumns(PipelineTable t, List<String> keys) throws SQLException {
        List<String> asked = keys.subList(0, Math.min(20, keys.size()));
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (asked.isEmpty()) {
            return out;
        }
        List<String[]> names = SourceSql.fingerprint(t);
        Map<String, List<String>> src = rows(source, SourceSql.columns(t, asked), names.size());
        Map<String, List<String>> dst = rows(target, t == PipelineTable.ACCESS_EVENTS
                ? ClickHouseQueries.reconcileAccessEventColumns(db, asked)
                : ClickHouseQueries.reconcileHealthColumns(db, asked.stream().map(Long::parseLong).toList()), names.size());
        for (String k : asked) {
            List<String> a = src.get(k);
            List<String> b = dst.get(k);
            List<String> diff = new ArrayList<>();
            for (int i = 0; a != null && b != null && i < names.size(); i++) {
                if (!a.get(i).equals(b.get(i))) {
                    diff.add(names.get(i)[0] + ": " + clip(a.get(i)) + " -> " + clip(b.get(i)));
                }
            }
            out.put(k, diff);
        }
        return out;
    }

    private Map<Long, Object[]> sums(DataSource ds, String sql) throws SQLException {
        Map<Long, Object[]> out = new TreeMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    out.put(rs.getLong(1), new Object[] {rs.getLong(2), new BigInteger(rs.getString(3)).mod(MOD)});
                }
            }
        }
        return out;
    }

    private Map<String, List<String>> rows(DataSource ds, String sql, int columns) throws SQLException {
        Map<String, List<String>> out = new HashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    List<String> values = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        values.add(String.valueOf(rs.getString(i)));
                    }
                    out.put(values.get(0), values);
                }
            }
        }
        return out;
    }

    private static String clip(String v) {
        return v.length() <= 40 ? v : v.substring(0, 37) + "...";
    }
}
