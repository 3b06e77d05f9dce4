package com.piam.cdc.verify;

import com.piam.cdc.record.InjectedRows;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RejectedStageTest {

    private static final String ID = "chaos-20261206-101500-rejected-1";
    private static final String REASON = "event_id=" + ID + ": event_time 1969-07-20T20:17:40Z is before 1970 (…)";

    @Test
    void aRowMakeChaosInjectedIsNamedAsInjected() {
        String p = RejectedStage.problem(1, "access event", "10 minutes", 0, REASON, "cg.x/0@5 -> dead-letter topic", 1, true, ID);
        assertThat(p).startsWith("rejected: 1 access event set aside in the last 10 minutes, injected by make chaos, newest ")
                .endsWith("(cg.x/0@5 -> dead-letter topic; injected by make chaos (" + ID + "))");
    }

    @Test
    void realBadRowsBesideAnInjectedOneAreNotExcused() {
        String p = RejectedStage.problem(3, "access event", "10 minutes", 0, "pacs_source='HONEYWELL' (…)", "cg.x/0@9 -> dead-letter topic",
                1, true, "e-42");
        assertThat(p).startsWith("rejected: 3 access events set aside in the last 10 minutes (1 of them injected by make chaos), newest ")
                .endsWith("(cg.x/0@9 -> dead-letter topic)");
        assertThat(RejectedStage.problem(3000, "access event", "10 minutes", 0, "r", "w", 2, false, "e-1"))
                .contains("(at least 2 of them injected by make chaos)");
    }

    @Test
    void noInjectedRowNoMention() {
        String p = RejectedStage.problem(2, "health row", "10 minutes", 0, "latency_ms=-5 is out of range", "cg.h/0@1 -> dead-letter topic",
                0, true, "7");
        assertThat(p).doesNotContain("injected");
        assertThat(RejectedStage.problem(1, "access event", "10 s", 0, REASON, "loader", 0, false, ""))
                .as("this runtime's own tally (direct mode): the reason names the row").endsWith("(loader; injected by make chaos (" + ID + "))");
    }

    @Test
    void onlyTheChaosFormCounts() {
        assertThat(InjectedRows.isInjected(ID)).isTrue();
        assertThat(InjectedRows.isInjected("chaos-monkey")).isFalse();
        assertThat(InjectedRows.isInjected("x" + ID)).isFalse();
        assertThat(InjectedRows.chaosRejected("chaos-20261206-101500", 2)).isEqualTo("chaos-20261206-101500-rejected-2");
        assertThatThrownBy(() -> InjectedRows.chaosRejected("run-1", 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
