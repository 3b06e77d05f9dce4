package com.piam.cdc.tools.chaos;

import com.piam.cdc.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChaosSettingsTest {

    @Test
    void defaultsAreTheIssuesSuite() {
        ChaosSettings s = ChaosSettings.from(k -> null);
        assertThat(s.rate()).isEqualTo(300);
        assertThat(s.kills()).isEqualTo(10);
        assertThat(s.clickHouseDownSeconds()).isEqualTo(60);
        assertThat(s.kafkaDownSeconds()).isEqualTo(30);
        assertThat(s.faults()).containsExactly(Fault.values());
        List<Fault> seq = s.sequence();
        assertThat(seq).hasSize(15);
        assertThat(Collections.frequency(seq, Fault.KILL)).isEqualTo(10);
        assertThat(seq.stream().filter(f -> f != Fault.KILL)).containsExactly(Fault.CLICKHOUSE, Fault.KAFKA, Fault.MARIADB,
                Fault.REJECT, Fault.STOP);
        // kills spread out: never more than two in a row, one before the first other fault, one after the last
        assertThat(seq.get(0)).isEqualTo(Fault.KILL);
        assertThat(seq.get(seq.size() - 1)).isEqualTo(Fault.KILL);
        assertThat(String.join("", seq.stream().map(f -> f == Fault.KILL ? "k" : "o").toList())).doesNotContain("kkk");
        assertThat(s.summary()).startsWith("make chaos: 300 events/s; 10 kills, ClickHouse down 60 s, Kafka down 30 s, MariaDB restart, ")
                .contains("seed " + s.seed());
    }

    @Test
    void theShortVariantHasTwoKillsAroundItsFaults() {
        ChaosSettings s = ChaosSettings.from(Map.of("CHAOS_FAULTS", "reject, clickhouse,kill", "CHAOS_KILLS", "2", "CHAOS_SEED", "7")::get);
        assertThat(s.sequence()).containsExactly(Fault.KILL, Fault.CLICKHOUSE, Fault.KILL, Fault.REJECT);
        assertThat(s.seed()).isEqualTo(7);
        assertThat(s.summary()).isEqualTo("make chaos: 300 events/s; 2 kills, ClickHouse down 60 s, a source row ClickHouse rejects; seed 7");
    }

    @Test
    void killsAreIgnoredUnlessListed() {
        assertThat(ChaosSettings.from(Map.of("CHAOS_FAULTS", "kafka", "CHAOS_KILLS", "5")::get).sequence()).containsExactly(Fault.KAFKA);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "CHAOS_FAULTS | kill,flood | Invalid configuration: CHAOS_FAULTS='flood': is not a fault; use any of kill,clickhouse,kafka,mariadb,reject,stop",
            "CHAOS_FAULTS | ' , '      | Invalid configuration: CHAOS_FAULTS=',': must name at least one of",
            "CHAOS_RATE   | 0          | Invalid configuration: CHAOS_RATE='0': must be a number from 1 to 5000",
            "CHAOS_RATE   | fast       | Invalid configuration: CHAOS_RATE='fast': must be a number from 1 to 5000",
            "CHAOS_KILLS  | 2.5        | Invalid configuration: CHAOS_KILLS='2.5': must be a whole number from 0 to 100",
            "CHAOS_CLICKHOUSE_DOWN_SECONDS | 0 | Invalid configuration: CHAOS_CLICKHOUSE_DOWN_SECONDS='0': must be a whole number from 1 to 3600",
            "CHAOS_PAUSE_SECONDS | 1   | Invalid configuration: CHAOS_PAUSE_SECONDS='1': must be a whole number from 2 to 600",
            "CHAOS_SEED   | abc        | Invalid configuration: CHAOS_SEED='abc': must be a whole number",
    })
    void aBadSettingIsNamedWithWhatIsAllowed(String key, String value, String message) {
        assertThatThrownBy(() -> ChaosSettings.from(Map.of(key, value)::get))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(message);
    }
}
