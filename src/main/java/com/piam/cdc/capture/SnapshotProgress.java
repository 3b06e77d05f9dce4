package com.piam.cdc.capture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * How far a snapshot has come, per table, every 10 s while one reads (the initial one, or one on demand: make
 * snapshot): the rows read (Debezium's "r" events), of about how many (the table's row estimate from
 * information_schema), the rate and the time left. One log line per table every 10 s, kept in
 * {@link CaptureLiveness#snapshotProgress()} for the verifier. After a takeover (or a restart) the snapshot continues
 * from its last chunk in another runtime: the rows before the first key this runtime read count as read (one COUNT
 * on the key, once per part), so the figures and the live view's bar go on from where the other runtime was, e.g.
 * {@code capture: snapshot of cg_access_event: 120,000 rows read of about 1,500,000 in the table (8%), 9,800 rows/s,
 * at most about 2 min 20 s left}.
 */
public final class SnapshotProgress {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotProgress.class);
    static final long EVERY_MS = 10_000;

    private final CaptureLiveness liveness;
    private final DataSource source;
    private final String database;
    private final Map<String, long[]> last = new HashMap<>(); // table -> {rows, at ms}
    /** Rows of the table before this runtime's part of its snapshot began, per table while one reads. */
    private final Map<String, Long> readBefore = new HashMap<>();
    private final BiFunction<String, CaptureLiveness.SnapshotStart, Long> rowsBefore;
    private final Supplier<Map<String, Long>> estimates;
    private long lastReportMs;

    public SnapshotProgress(CaptureLiveness liveness, DataSource source, String database) {
        this(liveness, source, database, null);
    }

    /** rowsBefore (table, where this runtime's part began): rows before its first key; null counts them in the source. */
    SnapshotProgress(CaptureLiveness liveness, DataSource source, String database,
                     BiFunction<String, CaptureLiveness.SnapshotStart, Long> rowsBefore) {
        this(liveness, source, database, rowsBefore, null);
    }

    /** estimates: the tables' row estimates; null asks the source's information_schema. */
    SnapshotProgress(CaptureLiveness liveness, DataSource source, String database,
                     BiFunction<String, CaptureLiveness.SnapshotStart, Long> rowsBefore, Supplier<Map<String, Long>> estimates) {
        this.liveness = liveness;
        this.source = source;
        this.database = database;
        this.rowsBefore = rowsBefore != null ? rowsBefore : this::countBefore;
        this.estimates = estimates != null ? estimates : this::estimates;
    }

    /** Called by the watch-capture timer (every 2 s); reports every 10 s while a snapshot reads. */
    public synchronized void report() {
        reportAt(System.currentTimeMillis());
    }

    synchronized void reportAt(long now) {
        if (now - lastReportMs < EVERY_MS) {
            return;
        }
        lastReportMs = now;
        Map<String, SnapshotReading> progress = new LinkedHashMap<>();
        Map<String, Long> estimates = null;
        for (Map.Entry<String, Long> e : liveness.snapshotRowsRead().entrySet()) {
            String table = e.getKey();
            long rows = e.getValue();
            long[] before = last.put(table, new long[] {rows, now});
            if (before != null && rows == before[0]) { // nothing read in the last 10 s: no snapshot (or it has ended)
                readBefore.remove(table);
                liveness.snapshotPaused(table);
            }
            if (before == null || rows == before[0]) {
                continue;
            }
            if (estimates == null) {
                estimates = this.estimates.get();
            }
            CaptureLiveness.SnapshotStart start = liveness.snapshotStart(table);
            // the table's row estimate says nothing of how many rows a condition selects: no percentage, no time left
            long estimate = start != null && !start.wholeTable() ? -1 : estimates.getOrDefault(table, -1L);
            double rate = (rows - before[0]) * 1000.0 / Math.max(1, now - before[1]);
            // a part of a whole-table snapshot that began after its first key (a takeover, a restart) goes on from the rows
            // before that key; one limited by a condition counts only its own rows
            long done = start == null ? rows
                    : (start.wholeTable() ? readBefore.computeIfAbsent(table, t -> rowsBefore.apply(t, start)) : 0) + rows - start.rowsBefore();
            String line = line(done, estimate, rate);
            progress.put(table, new SnapshotReading(done, estimate, rate, line));
            LOG.info("capture: snapshot of {}: {}", table, line);
        }
        liveness.snapshotProgress(progress);
    }

    /**
     * "120,000 rows read of about 1,500,000 in the table (8%), 9,800 rows/s, at most about 2 min 20 s left": the estimate
     * is the whole table's (a snapshot limited by WHERE reads fewer), so the time left is an upper bound.
     */
    static String line(long rows, long estimate, double rate) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%,d rows read", rows));
        if (estimate > 0) {
            b.append(String.format(Locale.ROOT, " of about %,d in the table (%d%%)", Math.max(rows, estimate),
                    Math.min(100, rows * 100 / Math.max(rows, estimate))));
        }
        b.append(String.format(Locale.ROOT, ", %,d rows/s", Math.round(rate)));
        if (estimate > rows && rate >= 1) {
            b.append(", at most about ").append(duration((long) ((estimate - rows) / rate))).append(" left");
        }
        return b.toString();
    }

    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        return seconds / 3600 + " h " + seconds % 3600 / 60 + " min";
    }

    /** The rows before the first key this runtime's part of the snapshot read (0 when that cannot be counted). */
    private long countBefore(String table, CaptureLiveness.SnapshotStart start) {
        if (source == null || start.key() == null) {
            return 0;
        }
        long t0 = System.currentTimeMillis();
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM `"
                + database.replace("`", "``") + "`.`" + table.replace("`", "``") + "` WHERE `"
                + start.keyColumn().replace("`", "``") + "` < ?")) {
            ps.setObject(1, start.key());
            try (ResultSet rs = ps.executeQuery()) {
                long n = rs.next() ? rs.getLong(1) : 0;
                if (n > 0) {
                    LOG.info("capture: the snapshot of {} goes on here from its last finished chunk: {} rows before it were read "
                            + "earlier (counted in {} ms)", table, String.format(Locale.ROOT, "%,d", n), System.currentTimeMillis() - t0);
                }
                return n;
            }
        } catch (Exception e) {
            LOG.debug("snapshot progress: could not count the rows before this part ({})", e.toString());
            return 0;
        }
    }

    /** The source tables' row estimates (InnoDB's statistics: roughly right, cheap to ask). */
    private Map<String, Long> estimates() {
        Map<String, Long> out = new HashMap<>();
        if (source == null) {
            return out;
        }
        try (Connection c = source.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        } catch (Exception e) {
            LOG.debug("snapshot progress: no row estimates ({})", e.toString());
        }
        return out;
    }
}
