package com.piam.cdc.tools.chaos;

import com.piam.cdc.domain.PipelineTable;
import com.piam.cdc.reconcile.Reconciler;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The end of a chaos run: the source and ClickHouse's converged rows compared key by key over the whole run
 * (source time), per table, plus the rows injected to be rejected, which must be set aside on the dead-letter
 * topic and nowhere else.
 */
record Balance(Map<PipelineTable, Side> tables, Map<String, String> injectedSetAside, List<String> injectedNotSetAside) {

    /** One table: rows on both sides and the keys that do not match. */
    record Side(long sourceRows, long clickHouseRows, Reconciler.KeyDiff diff) {
    }

    /** Whether every window of [fromSec, toSec) balances (rows set aside count as balanced); false when a service fails. */
    static boolean windowsBalance(Reconciler reconciler, long fromSec, long toSec) {
        try {
            for (PipelineTable t : PipelineTable.values()) {
                for (Reconciler.Window w : reconciler.windows(t, fromSec, toSec)) {
                    if (!w.balanced() && !reconciler.keys(t, w.startSec(), w.startSec() + 60).balanced()) {
                        return false;
                    }
                }
            }
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Key by key over [fromSec, toSec); {@code deadLetters}: the access events' dead-letter keys and reasons. */
    static Balance of(Reconciler reconciler, long fromSec, long toSec, List<String> injected, Map<String, String> deadLetters)
            throws SQLException {
        Map<PipelineTable, Side> tables = new LinkedHashMap<>();
        for (PipelineTable t : PipelineTable.values()) {
            long source = 0;
            long target = 0;
            for (Reconciler.Window w : reconciler.windows(t, fromSec, toSec)) {
                source += w.sourceRows();
                target += w.targetRows();
            }
            tables.put(t, new Side(source, target, reconciler.keys(t, fromSec, toSec)));
        }
        Map<String, String> setAside = new TreeMap<>();
        List<String> notSetAside = new ArrayList<>();
        for (String id : injected) {
            if (deadLetters.containsKey(id)) {
                setAside.put(id, deadLetters.get(id));
            } else {
                notSetAside.add(id);
            }
        }
        return new Balance(tables, setAside, notSetAside);
    }

    long missing() {
        return tables.values().stream().mapToLong(s -> s.diff.missing().count()).sum();
    }

    long extra() {
        return tables.values().stream().mapToLong(s -> s.diff.extra().count()).sum();
    }

    long different() {
        return tables.values().stream().mapToLong(s -> s.diff.different().count()).sum();
    }

    /** Rows of the run's own traffic set aside (none should be: only the injected rows are bad). */
    long setAsideInRange() {
        return tables.values().stream().mapToLong(s -> s.diff.setAside().count()).sum();
    }

    /** Missing 0, extra 0, different 0, and set aside exactly the injected rows. */
    boolean exact() {
        return missing() == 0 && extra() == 0 && different() == 0 && setAsideInRange() == 0 && injectedNotSetAside.isEmpty();
    }
}
