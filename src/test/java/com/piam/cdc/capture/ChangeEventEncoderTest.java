package com.piam.cdc.capture;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChangeEventEncoderTest {

    @Test
    void versionOrdersChangesByBinlogFilePositionAndRow() {
        long early = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000002", "pos", 623573L, "row", 0));
        long sameEventNextRow = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000002", "pos", 623573L, "row", 1));
        long later = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000002", "pos", 900000L, "row", 0));
        long nextFile = ChangeEventEncoder.version(Map.of("file", "mariadb-bin.000003", "pos", 4L, "row", 0));
        assertThat(early).isEqualTo(2_000_623_573_000L);
        assertThat(early).isLessThan(sameEventNextRow).isLessThan(later);
        assertThat(later).isLessThan(nextFile);
    }

    @Test
    void missingCoordinatesGiveNoVersion() {
        assertThat(ChangeEventEncoder.version(null)).isZero();
        assertThat(ChangeEventEncoder.version(Map.of("file", "", "pos", 0L))).isZero();
    }
}
