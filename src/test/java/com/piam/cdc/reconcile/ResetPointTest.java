package com.piam.cdc.reconcile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** make demo-reset's reset point: reconciliation starts at the first whole minute after it. */
class ResetPointTest {

    @TempDir
    Path dir;

    @Test
    void theFirstWholeMinuteAfterTheResetOrNothing() throws Exception {
        assertThat(Reconciler.resetPoint(dir.toFile())).isZero();
        Files.writeString(dir.resolve("reconcile-from"), "1795997581\n");
        assertThat(Reconciler.resetPoint(dir.toFile())).isEqualTo(1_795_997_640L);
        Files.writeString(dir.resolve("reconcile-from"), "1795997580");
        assertThat(Reconciler.resetPoint(dir.toFile())).isEqualTo(1_795_997_580L);
        Files.writeString(dir.resolve("reconcile-from"), "yesterday");
        assertThat(Reconciler.resetPoint(dir.toFile())).as("unreadable: no reset point").isZero();
    }
}
