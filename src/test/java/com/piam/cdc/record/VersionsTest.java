package com.piam.cdc.record;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionsTest {

    @Test
    void binlogOrderHoldsPastOneBillionAndTwoToTheThirtyTwo() {
        long[] positions = {4, 999_999_999L, 1_000_000_000L, 1_000_000_001L, (1L << 32) - 1, 1L << 32, (1L << 32) + 1,
                (1L << 33) - 1};
        long before = 0;
        for (long pos : positions) {
            long v = Versions.binlog("mariadb-bin.000007", pos, 0);
            assertThat(v).as("position " + pos).isGreaterThan(before);
            assertThat(Versions.binlog("mariadb-bin.000007", pos, 1)).as("next row of the event").isGreaterThan(v);
            before = Versions.binlog("mariadb-bin.000007", pos, 1023);
        }
    }

    @Test
    void rolloverToTheNextFileOrdersAfterTheLargestPosition() {
        long endOfFile = Versions.binlog("mariadb-bin.000007", (1L << 33) - 1, 1023);
        long nextFile = Versions.binlog("mariadb-bin.000008", 4, 0);
        assertThat(nextFile).isGreaterThan(endOfFile);
        assertThat(Versions.binlog("mariadb-bin.999999", (1L << 33) - 1, 1023)).as("positive for the largest file")
                .isPositive().isGreaterThan(Versions.binlog("mariadb-bin.999998", 1, 0));
    }

    @Test
    void laterThanTheOlderDecimalVersionsForTheSameOrLaterCoordinates() {
        // rows loaded before the packing changed carry file x 10^12 + pos x 10^3 + row
        long oldScheme = 2 * 1_000_000_000_000L + 623_573L * 1000;
        assertThat(Versions.binlog("mariadb-bin.000002", 623_573L, 0)).isGreaterThan(oldScheme);
        long oldLarge = 2 * 1_000_000_000_000L + 999_999_999L * 1000 + 999;
        assertThat(Versions.binlog("mariadb-bin.000002", 999_999_999L, 999)).isGreaterThan(oldLarge);
    }

    @Test
    void unknownCoordinatesGiveNoVersion() {
        assertThat(Versions.binlog("", 0, 0)).isZero();
        assertThat(Versions.binlog(null, 0, 0)).isZero();
    }

    @Test
    void recordVersionsOrderByTimestampThenOffset() {
        long first = Versions.ofRecord(1_795_420_706_000L, 41);
        long sameMillisecondLater = Versions.ofRecord(1_795_420_706_000L, 42);
        long nextMillisecond = Versions.ofRecord(1_795_420_706_001L, 0);
        assertThat(first).isLessThan(sameMillisecondLater).isLessThan(nextMillisecond);
        assertThat(Versions.ofRecord(4_398_046_511_103L, 2_097_151L)).as("year 2109, largest offset part").isPositive();
        // a tombstone's version (record timestamp + offset) is after the create it deletes (earlier offset, same ms)
        assertThat(Versions.ofRecord(1_795_420_706_000L, 1_000_000L)).isGreaterThan(Versions.ofRecord(1_795_420_706_000L, 999_999L));
    }
}
