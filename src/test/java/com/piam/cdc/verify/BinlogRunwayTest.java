package com.piam.cdc.verify;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BinlogRunwayTest {

    private static final List<BinlogRunway.File> FILES = List.of(new BinlogRunway.File("bin.000007", 1_000_000),
            new BinlogRunway.File("bin.000008", 600_000), new BinlogRunway.File("bin.000009", 400_000));

    @Test
    void readingTheCurrentFileLeavesAtLeastTheExpiry() {
        assertThat(BinlogRunway.estimate(FILES, "bin.000009", 86_400, 100))
                .isEqualTo(new BinlogRunway.Estimate(BinlogRunway.Kind.AT_LEAST_EXPIRY, 86_400L));
    }

    @Test
    void aClosedFileRunsOutAtExpiryMinusHowLongAgoItWasClosed() {
        // 1,000,000 bytes written after bin.000007 at 1,000 B/s: closed 1,000 s ago
        assertThat(BinlogRunway.estimate(FILES, "bin.000007", 3_600, 1_000))
                .isEqualTo(new BinlogRunway.Estimate(BinlogRunway.Kind.ESTIMATED, 2_600L));
        // a tiny expiry: already due
        assertThat(BinlogRunway.estimate(FILES, "bin.000007", 600, 1_000).seconds()).isZero();
        assertThat(BinlogRunway.estimate(FILES, "bin.000008", 3_600, 0).kind()).isEqualTo(BinlogRunway.Kind.UNKNOWN);
    }

    @Test
    void noExpiryIsUnlimitedAndAPurgedFileIsGone() {
        assertThat(BinlogRunway.estimate(FILES, "bin.000008", 0, 1_000).kind()).isEqualTo(BinlogRunway.Kind.UNLIMITED);
        assertThat(BinlogRunway.estimate(FILES, "bin.000003", 86_400, 1_000).kind()).isEqualTo(BinlogRunway.Kind.GONE);
    }

    @Test
    void theWriteRateComesFromHowTheFilesGrew() {
        BinlogRunway r = new BinlogRunway();
        r.observe(List.of(new BinlogRunway.File("a", 1_000)), 10_000);
        assertThat(r.bytesPerSecond()).isNegative();
        // a grew by 1,000 and b is new with 1,000: 2,000 bytes in 2 s
        r.observe(List.of(new BinlogRunway.File("a", 2_000), new BinlogRunway.File("b", 1_000)), 12_000);
        assertThat(r.bytesPerSecond()).isEqualTo(1_000.0);
        // a purged, b unchanged: nothing written, the rate decays
        r.observe(List.of(new BinlogRunway.File("b", 1_000)), 14_000);
        assertThat(r.bytesPerSecond()).isEqualTo(700.0);
    }
}
