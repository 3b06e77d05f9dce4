package com.piam.cdc.load;

import com.piam.cdc.domain.Change;

import java.util.Arrays;
import java.util.List;

/** The loader's RowBinary data for rows, encoded as it would be for the tables ops/clickhouse-init creates (for tests elsewhere). */
public final class RowBinaryFixture {

    private RowBinaryFixture() {
    }

    public static <T> byte[] encode(FactTable<T> table, List<Change<T>> rows, long ingestTsMs) throws Exception {
        String name = table.name().substring(table.name().indexOf('.') + 1);
        ServerColumns.Layout layout = ServerColumns.compare(table, ServerColumnsTest.schema(name), 0).layout();
        RowBinaryOut out = new RowBinaryOut(1024);
        for (Change<T> row : rows) {
            table.writeRow(row, ingestTsMs, out, layout);
        }
        return Arrays.copyOf(out.array(), out.size());
    }
}
