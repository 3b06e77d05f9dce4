package com.piam.cdc.reconcile;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyMergeTest {

    /** Rows "key=hash" in the order given. */
    private static KeyMerge.Cursor rows(String... rows) {
        Iterator<String> it = List.of(rows).iterator();
        return new KeyMerge.Cursor() {
            String[] row;

            @Override
            public boolean next() {
                row = it.hasNext() ? it.next().split("=") : null;
                return row != null;
            }

            @Override
            public String key() {
                return row[0];
            }

            @Override
            public String hash() {
                return row[1];
            }
        };
    }

    @Test
    void namesMissingExtraDifferentAndSetAsideKeys() throws Exception {
        Reconciler.KeyDiff d = KeyMerge.merge(rows("a=1", "b=2", "c=3", "d=4", "f=6"), rows("a=1", "b=X", "d=4", "e=5", "g=7"),
                Map.of("f", "out of range")::get, 10);
        assertThat(d.missing()).isEqualTo(new Reconciler.Keys(1, List.of("c")));
        assertThat(d.extra()).isEqualTo(new Reconciler.Keys(2, List.of("e", "g")));
        assertThat(d.different()).isEqualTo(new Reconciler.Keys(1, List.of("b")));
        assertThat(d.setAside()).isEqualTo(new Reconciler.Keys(1, List.of("f")));
        assertThat(d.reasons()).containsExactly(Map.entry("f", "out of range"));
        assertThat(d.balanced()).isFalse();
    }

    @Test
    void equalSidesBalanceAndHashesCompareIgnoringCase() throws Exception {
        Reconciler.KeyDiff d = KeyMerge.merge(rows("a=ab", "b=cd"), rows("a=AB", "b=cd"), k -> null, 10);
        assertThat(d.balanced()).isTrue();
        assertThat(d.setAside().isEmpty()).isTrue();
    }

    @Test
    void rowsSetAsideAloneBalance() throws Exception {
        Reconciler.KeyDiff d = KeyMerge.merge(rows("a=1", "b=2"), rows("a=1"), Map.of("b", "bad")::get, 10);
        assertThat(d.balanced()).isTrue();
        assertThat(d.setAside().count()).isEqualTo(1);
    }

    @Test
    void countsAreExactAndKeysSampled() throws Exception {
        List<String> source = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            source.add(String.format("k%06d=h", i));
        }
        Reconciler.KeyDiff d = KeyMerge.merge(rows(source.toArray(String[]::new)), rows(), k -> null, 5);
        assertThat(d.missing().count()).isEqualTo(100_000);
        assertThat(d.missing().sample()).containsExactly("k000000", "k000001", "k000002", "k000003", "k000004");
    }

    @Test
    void theDeadLetterTopicIsAskedOnlyForMissingKeys() throws Exception {
        List<String> asked = new ArrayList<>();
        KeyMerge.merge(rows("a=1", "b=2", "c=3"), rows("a=1", "c=9", "d=4"), k -> {
            asked.add(k);
            return null;
        }, 10);
        assertThat(asked).containsExactly("b");
    }

    /** Both sides sort by bytes: '-' (0x2D) before digits before 'A' before '_' (0x5F) before 'a'; not by a collation. */
    @Test
    void keysCompareInByteOrder() {
        List<String> keys = new ArrayList<>(List.of("a", "_", "A", "1", "-", "é", "z", "\uD83D\uDEAA", "\uFFFD"));
        keys.sort(KeyMerge::compare);
        assertThat(keys).containsExactly("-", "1", "A", "_", "a", "z", "é", "\uFFFD", "\uD83D\uDEAA");
        assertThat(KeyMerge.compare("ab", "abc")).isNegative();
        assertThat(KeyMerge.compare("abc", "ab")).isPositive();
        assertThat(KeyMerge.compare("10", "9")).isNegative(); // health ids compare as text on both sides
    }

    @Test
    void aSideOutOfOrderStopsTheComparisonNamingIt() {
        assertThatThrownBy(() -> KeyMerge.merge(rows("b=1", "a=2"), rows(), k -> null, 10))
                .isInstanceOf(SQLException.class).hasMessageContaining("MySQL returned key 'a' after 'b'");
    }

    @Test
    void aKeyTwiceInClickHouseIsOneRowTooMany() throws Exception {
        Reconciler.KeyDiff d = KeyMerge.merge(rows("a=1", "b=2"), rows("a=1", "a=1", "b=2"), k -> null, 10);
        assertThat(d.extra()).isEqualTo(new Reconciler.Keys(1, List.of("a")));
        assertThat(d.missing().isEmpty()).isTrue();
        assertThat(new TreeMap<>(d.reasons())).isEmpty();
    }
}
