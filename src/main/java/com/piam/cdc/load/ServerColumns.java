package com.piam.cdc.load;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column types of the fact tables as ClickHouse has them (system.columns), read again at most every
 * 30 s and after a failed insert. RowBinary carries no names or types, so it is only sent when every
 * column the loader writes has exactly the type it encodes; an Enum8's codes are taken from the server's
 * type. Otherwise the table is loaded as SQL text (slower, judged by ClickHouse) and a WARN says which
 * column differs, once per difference.
 */
final class ServerColumns {

    private static final Logger LOG = LoggerFactory.getLogger(ServerColumns.class);
    static final long MAX_AGE_MS = 30_000;
    private static final Pattern ENUM_ELEMENT = Pattern.compile("'((?:[^'\\\\]|\\\\.)*)' = (-?\\d+)");

    /** Per column of the fact table, in its order: the server's Enum8 codes by name, or null for a column that is no enum. */
    record Layout(List<Map<String, Integer>> enumCodes) {
    }

    record Seen(long atMs, Layout layout, String mismatch) {
    }

    private final DataSource clickHouse;
    private final Map<String, Seen> byTable = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    ServerColumns(DataSource clickHouse) {
        this.clickHouse = clickHouse;
    }

    /** How to encode rows of the table in RowBinary, or null when it must go as text (the types differ). */
    <T> Layout layout(FactTable<T> table) throws SQLException {
        long now = System.currentTimeMillis();
        Seen seen = byTable.get(table.name());
        if (seen == null || now - seen.atMs() > MAX_AGE_MS) {
            seen = compare(table, read(table.name()), now);
            byTable.put(table.name(), seen);
            if (seen.mismatch() != null && warned.add(seen.mismatch())) {
                LOG.warn("{}: loading it as SQL text (slower) until the types agree", seen.mismatch());
            }
        }
        return seen.layout();
    }

    /** Read the table's types again before its next insert (an insert failed: the table may have changed). */
    void forget(String table) {
        byTable.remove(table);
    }

    static <T> Seen compare(FactTable<T> table, Map<String, String> server, long now) {
        List<Map<String, Integer>> codes = new ArrayList<>();
        for (FactColumn<T> column : table.columns()) {
            String type = server.get(column.name());
            if (type == null) {
                return new Seen(now, null, table.name() + " has no column " + column.name() + " (the loader writes it)");
            }
            boolean same = column.isEnum8() ? type.startsWith("Enum8(") : type.equals(column.type());
            if (!same) {
                return new Seen(now, null, table.name() + "." + column.name() + " is " + type + " in ClickHouse; the loader writes "
                        + column.type());
            }
            codes.add(column.isEnum8() ? enumCodes(type) : null);
        }
        if (!"UInt64".equals(server.get("ingest_ts_ms"))) {
            return new Seen(now, null, table.name() + ".ingest_ts_ms is " + server.get("ingest_ts_ms") + " in ClickHouse; the loader writes UInt64");
        }
        return new Seen(now, new Layout(Collections.unmodifiableList(codes)), null);
    }

    /** "Enum8('IN' = 1, 'OUT' = 2)" -> {IN=1, OUT=2}. */
    static Map<String, Integer> enumCodes(String type) {
        Map<String, Integer> codes = new HashMap<>();
        Matcher m = ENUM_ELEMENT.matcher(type);
        while (m.find()) {
            codes.put(m.group(1).replaceAll("\\\\(.)", "$1"), Integer.parseInt(m.group(2)));
        }
        return Map.copyOf(codes);
    }

    private Map<String, String> read(String table) throws SQLException {
        int dot = table.indexOf('.');
        String sql = "SELECT name, type FROM system.columns WHERE database = " + FactTable.literal(table.substring(0, dot))
                + " AND table = " + FactTable.literal(table.substring(dot + 1));
        Map<String, String> types = new HashMap<>();
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }
}
