package com.piam.cdc.reconcile;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Names the keys that differ between two streams of (key, row hash), each sorted by key in byte order:
 * a merge that holds one row of each side at a time, whatever the range's size. (Collecting both sides into
 * maps first ran a 192 MB heap out on a minute of 600,000 rows: issue 21.) Counts are exact; of each kind
 * only the first {@code sample} keys are kept, enough to name them in a report.
 */
final class KeyMerge {

    /** One side's rows in key order; {@link #next()} moves to the next row, false after the last. */
    interface Cursor {
        boolean next() throws SQLException;

        String key() throws SQLException;

        String hash() throws SQLException;
    }

    private KeyMerge() {
    }

    /**
     * {@code deadLetterReason}: a key's reason on the table's dead-letter topic, or null; a source key missing in
     * ClickHouse and set aside there is counted as set aside, not missing.
     */
    static Reconciler.KeyDiff merge(Cursor source, Cursor target, Function<String, String> deadLetterReason, int sample)
            throws SQLException {
        Kind missing = new Kind(sample);
        Kind extra = new Kind(sample);
        Kind different = new Kind(sample);
        Kind setAside = new Kind(sample);
        Map<String, String> reasons = new TreeMap<>();
        Side s = new Side(source, "MySQL");
        Side t = new Side(target, "ClickHouse");
        s.advance();
        t.advance();
        while (s.key != null || t.key != null) {
            int c = s.key == null ? 1 : t.key == null ? -1 : compare(s.key, t.key);
            if (c < 0) {
                String reason = deadLetterReason.apply(s.key);
                if (reason != null) {
                    if (setAside.add(s.key)) {
                        reasons.put(s.key, reason);
                    }
                } else {
                    missing.add(s.key);
                }
                s.advance();
            } else if (c > 0) {
                extra.add(t.key);
                t.advance();
            } else {
                if (!s.hash.equalsIgnoreCase(t.hash)) {
                    different.add(s.key);
                }
                s.advance();
                t.advance();
            }
        }
        return new Reconciler.KeyDiff(missing.keys(), extra.keys(), different.keys(), setAside.keys(), reasons);
    }

    /** Byte order of the keys' UTF-8 (code point order), as MySQL's BINARY and ClickHouse's String sort them. */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    /** A cursor's current row, checked to come in order (a merge of unsorted input would name the wrong keys). */
    private static final class Side {
        private final Cursor cursor;
        private final String name;
        private String key;
        private String hash;

        Side(Cursor cursor, String name) {
            this.cursor = cursor;
            this.name = name;
        }

        void advance() throws SQLException {
            String previous = key;
            if (!cursor.next()) {
                key = null;
                hash = null;
                return;
            }
            key = cursor.key();
            hash = cursor.hash();
            // a key twice (ClickHouse: one key under two tenants) is merged as one row too many
            if (previous != null && compare(previous, key) > 0) {
                throw new SQLException(name + " returned key '" + key + "' after '" + previous
                        + "': the comparison needs its keys in byte order");
            }
        }
    }

    /** Keys of one kind: all counted, the first {@code sample} kept. */
    private static final class Kind {
        private final int sample;
        private final List<String> first = new ArrayList<>();
        private long count;

        Kind(int sample) {
            this.sample = sample;
        }

        /** True when the key was kept in the sample. */
        boolean add(String key) {
            count++;
            if (first.size() < sample) {
                first.add(key);
                return true;
            }
            return false;
        }

        Reconciler.Keys keys() {
            return new Reconciler.Keys(count, List.copyOf(first));
        }
    }
}
