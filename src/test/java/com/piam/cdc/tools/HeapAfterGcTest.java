package com.piam.cdc.tools;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HeapAfterGcTest {

    @Test
    void readsTheHeapAndMetaspaceOfASerialGcHeapInfo() {
        String info = """
                12345:
                 def new generation   total 73728K, used 1234K [0x00000000f4000000, 0x00000000fa000000, 0x00000000fa000000)
                  eden space 49152K,   2% used [0x00000000f4000000, 0x00000000f41347b0, 0x00000000f7000000)
                 tenured generation   total 98304K, used 40000K [0x00000000fa000000, 0x0000000100000000, 0x0000000100000000)
                   the space 98304K,  40% used [0x00000000fa000000, 0x00000000fc710000, 0x00000000fc710200, 0x0000000100000000)
                 Metaspace       used 61000K, committed 61500K, reserved 1105920K
                  class space    used 7000K, committed 7200K, reserved 1048576K
                """;
        assertThat(HeapAfterGc.used(info)).containsExactly(41234, 61000);
    }

    @Test
    void theTrendIsTheLeastSquaresSlopePerHour() {
        String flat = HeapAfterGc.trend(List.of(new double[] {5, 40}, new double[] {10, 41}, new double[] {15, 40}, new double[] {20, 41}));
        assertThat(flat).contains("40.0 MB at minute 5, 41.0 MB at minute 20 (min 40.0, max 41.0)", "slope +2.40 MB/hour");
        String growing = HeapAfterGc.trend(List.of(new double[] {0, 40}, new double[] {30, 45}, new double[] {60, 50}));
        assertThat(growing).contains("slope +10.00 MB/hour");
        assertThat(HeapAfterGc.trend(List.of(new double[] {5, 40}))).contains("too few samples");
    }
}
