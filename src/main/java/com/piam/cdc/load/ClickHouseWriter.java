package com.piam.cdc.load;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.Change;
import com.piam.cdc.domain.DeletedKey;

import com.clickhouse.client.ClickHouseException;
import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.jdbc.ClickHouseStatement;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JDBC against ClickHouse for the loader: one insert per call, or one delete-by-key statement. An
 * insert goes in RowBinary through the driver's write API (no SQL for ClickHouse to parse, no value
 * rendered as text) when the table's types are the ones the loader encodes ({@link ServerColumns}) and
 * every row can be encoded; otherwise the whole call goes as the prepared VALUES statement, where
 * ClickHouse judges each value itself. Either way one call is one insert, all or nothing. Each
 * statement gets its own ingest stamp: stamps strictly increase, so ingest_ts_ms also names the
 * insert. Returns how long ClickHouse took; throws what it says.
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

    /** How the rows of an insert were sent. */
    enum Format {
        ROW_BINARY("RowBinary"), TEXT("text");

        private final String label;

        Format(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    private final DataSource clickHouse;
    private final ServerColumns serverColumns;
    private final AtomicLong lastIngestTsMs = new AtomicLong();
    private final AtomicLong rowsBinary = new AtomicLong();
    private final AtomicLong rowsText = new AtomicLong();
    /** One encoding buffer per writer thread (one per load route), reused batch after batch. */
    private final ThreadLocal<RowBinaryOut> buffers = ThreadLocal.withInitial(() -> new RowBinaryOut(64 << 10));

    ClickHouseWriter(DataSource clickHouse) {
        this.clickHouse = clickHouse;
        this.serverColumns = new ServerColumns(clickHouse);
    }

    /** Rows sent so far in the format. */
    long rowsSent(Format format) {
        return format == Format.ROW_BINARY ? rowsBinary.get() : rowsText.get();
    }

    <T> long insert(FactTable<T> table, List<Change<T>> rows) throws SQLException {
        return insert(table, rows, true);
    }

    /** {@code binaryAllowed} false: as SQL text whatever the table (the tests compare both ways). */
    <T> long insert(FactTable<T> table, List<Change<T>> rows, boolean binaryAllowed) throws SQLException {
        long start = System.nanoTime();
        long ingestTsMs = nextIngestTsMs();
        ServerColumns.Layout layout = binaryAllowed ? serverColumns.layout(table) : null;
        RowBinaryOut out = buffers.get();
        if (layout != null && encode(table, rows, ingestTsMs, layout, out)) {
            try {
                sendBinary(table, out);
            } catch (SQLException | RuntimeException e) {
                serverColumns.forget(table.name()); // the table may have changed under us: look again before the next try
                throw e;
            } finally {
                out.reset();
            }
            rowsBinary.addAndGet(rows.size());
        } else {
            insertText(table, rows, ingestTsMs);
            rowsText.addAndGet(rows.size());
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** All rows in RowBinary, or false (buffer emptied) when one of them holds a value the server must judge. */
    private static <T> boolean encode(FactTable<T> table, List<Change<T>> rows, long ingestTsMs, ServerColumns.Layout layout,
            RowBinaryOut out) {
        out.reset();
        try {
            for (Change<T> change : rows) {
                table.writeRow(change, ingestTsMs, out, layout);
            }
            return true;
        } catch (RuntimeException e) { // LeftToServer, or a value our conversion fails on: the text path names it
            out.reset();
            return false;
        }
    }

    private void sendBinary(FactTable<?> table, RowBinaryOut out) throws SQLException {
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement()) {
            st.unwrap(ClickHouseStatement.class).write().query(table.binaryInsertSql()).format(ClickHouseFormat.RowBinary)
                    .data(o -> o.writeBytes(out.array(), 0, out.size())).executeAndWait().close();
        } catch (ClickHouseException e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    private <T> void insertText(FactTable<T> table, List<Change<T>> rows, long ingestTsMs) throws SQLException {
        try (Connection c = clickHouse.getConnection();
             PreparedStatement ps = c.prepareStatement(table.insertSql(ingestTsMs))) {
            for (Change<T> change : rows) {
                Object[] values;
                try {
                    values = table.values(change);
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
