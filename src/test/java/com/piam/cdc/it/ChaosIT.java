package com.piam.cdc.it;

import com.piam.cdc.tools.chaos.ChaosCommand;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short chaos variant `make test` runs: one SIGKILL, one ClickHouse outage and one row ClickHouse
 * rejects, under 300 events/s, through the same code as `make chaos`. It must report every fault recovered
 * and an exact balance; and, checked here independently of the tool, the event_ids MariaDB holds for the
 * run are exactly those ClickHouse's converged rows hold, the raw rows hold no other key, and the rejected
 * row is on the dead-letter topic, not in ClickHouse.
 */
class ChaosIT {

    @Test
    void theShortFaultSuiteBalancesExactly() throws Exception {
        long fromSec = System.currentTimeMillis() / 1000 + 1;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int exit = ChaosCommand.run(Map.of("CHAOS_FAULTS", "kill,clickhouse,reject", "CHAOS_KILLS", "1",
                "CHAOS_CLICKHOUSE_DOWN_SECONDS", "5", "CHAOS_PAUSE_SECONDS", "3", "CHAOS_RATE", "300",
                "MANAGEMENT_PORT", String.valueOf(PipelineITSupport.freePort())), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        long untilSec = System.currentTimeMillis() / 1000;
        String out = bytes.toString(StandardCharsets.UTF_8);
        System.out.println(out);

        assertThat(exit).as(out).isZero();
        assertThat(out).contains("missing 0, extra 0, different 0, set aside 1 of 1 injected");
        Matcher rows = Pattern.compile("(?m)^ +\\d +\\d\\d:\\d\\d +(.+?) +\\d+ s +(\\d+ s|NOT RECOVERED) ").matcher(out);
        List<String> table = rows.results().map(m -> m.group(1) + " -> " + m.group(2)).toList();
        assertThat(table).as(out).hasSize(3).noneMatch(r -> r.endsWith("NOT RECOVERED"));
        assertThat(table.stream().filter(r -> r.startsWith("kill -9 of the runtime"))).hasSize(1);
        assertThat(table.stream().filter(r -> r.startsWith("ClickHouse down"))).hasSize(1);
        Matcher rejected = Pattern.compile("set aside as injected: (chaos-[0-9-]+-rejected-1) ").matcher(out);
        assertThat(rejected.find()).as(out).isTrue();
        String rejectedId = rejected.group(1);
        assertThat(out).as("the verdict named the injected row as injected (the live view shows the verdict's reasons)")
                .containsPattern("the verdict named " + rejectedId + ": rejected: 1 access event set aside in the last 10 s, "
                        + "injected by make chaos, newest [0-9:]+: event_id=" + rejectedId + ": event_time 1969-07-20.*; injected by make chaos \\("
                        + rejectedId + "\\)\\)");

        // independently of the tool: the keys on both sides, for the run's own source time
        Set<String> source = new TreeSet<>();
        try (Connection db = Cloudgate.connect(); Statement st = db.createStatement();
             ResultSet rs = st.executeQuery("SELECT event_id FROM cg_access_event WHERE event_time >= FROM_UNIXTIME(" + fromSec
                     + ") AND event_time < FROM_UNIXTIME(" + untilSec + ")")) {
            while (rs.next()) {
                source.add(rs.getString(1));
            }
        }
        String range = " WHERE event_time >= toDateTime(" + fromSec + ") AND event_time < toDateTime(" + untilSec + ")";
        Set<String> converged = new TreeSet<>(ClickHouseQuery.column("SELECT event_id FROM piam.fact_access_events FINAL" + range
                + " AND is_deleted = 0"));
        List<String> convergedRows = ClickHouseQuery.column("SELECT event_id FROM piam.fact_access_events FINAL" + range
                + " AND is_deleted = 0");
        Set<String> raw = new HashSet<>(ClickHouseQuery.column("SELECT DISTINCT event_id FROM piam.fact_access_events" + range));
        assertThat(source).as("the run wrote rows").hasSizeGreaterThan(5_000);
        assertThat(converged).as("converged keys = MariaDB's keys").isEqualTo(source);
        assertThat(convergedRows).as("each exactly once under FINAL").hasSameSizeAs(source);
        assertThat(raw).as("raw rows hold no other key").isEqualTo(converged);

        try (Connection db = Cloudgate.connect()) {
            assertThat(Cloudgate.count(db, "SELECT count(*) FROM cg_access_event WHERE event_id = '" + rejectedId + "'")).isEqualTo(1);
        }
        assertThat(ClickHouseQuery.count("SELECT count() FROM piam.fact_access_events WHERE event_id = '" + rejectedId + "'")).isZero();
        assertThat(DeadLetterTopic.find("cg.cloudgate.cg_access_event.dlq", k -> k.contains(rejectedId), Duration.ofSeconds(20)))
                .as("the rejected row on the dead-letter topic").isNotNull();
    }
}
