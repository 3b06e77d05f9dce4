package com.piam.cdc.load;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.DeletedKey;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain JDBC against ClickHouse for the loader: one prepared batch insert per call, or one
 * delete-by-key statement. Each statement gets its own ingest stamp: stamps strictly increase,
 * so ingest_ts_ms also names the insert. Returns how long ClickHouse took; throws what it says.
 */
final class ClickHouseWriter {

    /**
     * A row our conversion to column values fails on (a value nobody foresaw): not ClickHouse's fault, and it
     * would fail every insert of its batch; {@link IsolatingInsert} isolates it like a row ClickHouse refuses.
     */
    static final class UnconvertibleRow extends RuntimeException {
        UnconvertibleRow(String table, RuntimeException cause) {
            super("could not be converted for " + table + ": " + Retry.rootMessage(cause), cause);
        }
    }

    private final DataSource clickHouse;
    private final AtomicLong lastIngestTsMs = new AtomicLong();

    ClickHouseWriter(DataSource clickHouse) {
        this.clickHouse = clickHouse;
    }

    <T> long insert(FactTable<T> table, List<Change<T>> rows) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = clickHouse.getConnection();
             PreparedStatement ps = c.prepareStatement(table.insertSql(nextIngestTsMs()))) {
            for (Change<T> change : rows) {
                Object[] values;
                try {
                    values = table.values().apply(change);
                } catch (RuntimeException e) {
                    throw new UnconvertibleRow(table.name(), e);
                }
                for (int i = 0; i < values.length; i++) {
                    bind(ps, i + 1, values[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    long deleteByKey(FactTable<?> table, List<Change<DeletedKey>> deletes) throws SQLException {
        long start = System.nanoTime();
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement()) {
            st.execute(table.deleteByKeySql(deletes, nextIngestTsMs()));
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private long nextIngestTsMs() {
        long now = System.currentTimeMillis();
        return lastIngestTsMs.updateAndGet(last -> Math.max(now, last + 1));
    }

    private static void bind(PreparedStatement ps, int i, Object v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.VARCHAR);
        } else if (v instanceof String s) {
            ps.setString(i, s);
        } else if (v instanceof Long l) {
            ps.setLong(i, l);
        } else if (v instanceof Integer n) {
            ps.setInt(i, n);
        } else if (v instanceof Float f) {
            ps.setFloat(i, f);
        } else {
            throw new IllegalArgumentException("no ClickHouse binding for " + v.getClass().getName());
        }
    }
}
