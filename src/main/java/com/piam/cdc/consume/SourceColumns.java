package com.piam.cdc.consume;

import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.record.FlatRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The columns one source table's records carry, watched against what the mapping uses: logs the
 * columns the mapping does not use once at start and again whenever the set changes (a column
 * added, dropped or renamed at the source), and keeps the mapped columns that are missing for the
 * verifier. Cheap per record: a signature of the field names, compared with the last one.
 */
public final class SourceColumns {

    private static final Logger LOG = LoggerFactory.getLogger(SourceColumns.class);

    private final String table;
    private final Set<String> required;
    private final Set<String> optional;
    private int signature;
    private Set<String> seen = Set.of();
    private volatile Set<String> missingRequired = Set.of();
    private volatile Set<String> missingOptional = Set.of();
    private volatile Set<String> unused = Set.of();
    private volatile long changedAtMs;
    private volatile int changes;

    public SourceColumns(PipelineTable table) {
        this.table = table.source;
        this.required = new LinkedHashSet<>(table.requiredColumns);
        this.optional = new LinkedHashSet<>(table.optionalColumns);
    }

    /** Notes the columns of one record's row (Debezium's own __ fields aside); logs when they changed. */
    public void observe(FlatRow row) {
        int sig = 1;
        for (int i = 0; i < row.size(); i++) {
            sig = 31 * sig + row.name(i).hashCode();
        }
        synchronized (this) {
            if (sig == signature && !seen.isEmpty()) {
                return;
            }
            Set<String> now = new TreeSet<>();
            for (int i = 0; i < row.size(); i++) {
                if (!row.name(i).startsWith("__")) {
                    now.add(row.name(i));
                }
            }
            signature = sig;
            if (now.equals(seen)) {
                return;
            }
            Set<String> before = seen;
            seen = now;
            missingRequired = minus(required, now);
            missingOptional = minus(optional, now);
            Set<String> notMapped = new TreeSet<>(now);
            notMapped.removeAll(required);
            notMapped.removeAll(optional);
            unused = notMapped;
            changedAtMs = System.currentTimeMillis();
            changes++;
            String change = before.isEmpty() ? "columns" : "columns changed (added " + or(minus(now, before)) + "; removed "
                    + or(minus(before, now)) + ")";
            String line = table + " " + change + ": not used by the mapping: " + or(unused)
                    + (missingRequired.isEmpty() ? "" : "; MISSING required " + missingRequired + ": its records are set aside")
                    + (missingOptional.isEmpty() ? "" : "; missing optional " + missingOptional + ": loaded as null");
            if (missingRequired.isEmpty()) {
                LOG.info(line);
            } else {
                LOG.warn(line);
            }
        }
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static String or(Set<String> s) {
        return s.isEmpty() ? "none" : String.join(", ", s);
    }

    public String table() {
        return table;
    }

    /** Required mapped columns the latest records lack (their records are set aside). */
    public Set<String> missingRequired() {
        return missingRequired;
    }

    /** Optional mapped columns the latest records lack (loaded as null). */
    public Set<String> missingOptional() {
        return missingOptional;
    }

    /** Source columns the mapping does not use. */
    public Set<String> unused() {
        return unused;
    }

    /** When the column set last changed (epoch ms, 0 before the first record). */
    public long changedAtMs() {
        return changedAtMs;
    }

    /** How many times the column set was logged (the first record, then each change). */
    public int changes() {
        return changes;
    }
}
