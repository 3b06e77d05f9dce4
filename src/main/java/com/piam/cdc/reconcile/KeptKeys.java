package com.piam.cdc.reconcile;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One dead-letter topic's keys with their reasons, in the memory a {@link DeadLetterKeys.Bound} allows: keys set
 * aside before its age are dropped, then the oldest beyond its size. A key set aside again moves to the newest end.
 */
final class KeptKeys {

    /** Reasons are kept to this many characters (they quote the bad value, which may be a 64 KB payload). */
    static final int REASON_CHARS = 200;

    private record Kept(String reason, long atMs) {
    }

    private final DeadLetterKeys.Bound bound;
    private final LinkedHashMap<String, Kept> keys = new LinkedHashMap<>();
    private long droppedYoung;

    KeptKeys(DeadLetterKeys.Bound bound) {
        this.bound = bound;
    }

    /**
     * {@code key} set aside at {@code atMs} (the dead-letter record's timestamp) because of {@code reason}; beyond the
     * bound's size the oldest key goes at once, so a burst read in one go never holds more.
     */
    void add(String key, String reason, long atMs) {
        keys.remove(key);
        keys.put(key, new Kept(reason.length() <= REASON_CHARS ? reason : reason.substring(0, REASON_CHARS - 3) + "...", atMs));
        if (keys.size() > bound.maxKeys()) {
            Iterator<Kept> oldest = keys.values().iterator();
            oldest.next();
            oldest.remove();
            droppedYoung++;
        }
    }

    /** Drops keys set aside before the bound's age. */
    void evict(long nowMs) {
        if (bound.maxAgeMs() != Long.MAX_VALUE) {
            keys.values().removeIf(k -> k.atMs() < nowMs - bound.maxAgeMs());
        }
    }

    int size() {
        return keys.size();
    }

    /** Keys the size bound dropped while still within the age bound (a reconciliation may then call them missing). */
    long droppedYoung() {
        return droppedYoung;
    }

    /** Key -> reason, read-only, without copying. */
    Map<String, String> view() {
        return new AbstractMap<>() {
            @Override
            public String get(Object key) {
                Kept k = keys.get(key);
                return k == null ? null : k.reason();
            }

            @Override
            public boolean containsKey(Object key) {
                return keys.containsKey(key);
            }

            @Override
            public int size() {
                return keys.size();
            }

            @Override
            public Set<String> keySet() {
                return Collections.unmodifiableSet(keys.keySet());
            }

            @Override
            public Set<Entry<String, String>> entrySet() {
                Set<Entry<String, String>> out = new LinkedHashSet<>();
                keys.forEach((k, v) -> out.add(Map.entry(k, v.reason())));
                return out;
            }
        };
    }
}
