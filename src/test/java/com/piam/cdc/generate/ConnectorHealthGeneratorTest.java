package com.piam.cdc.generate;

import com.piam.cdc.domain.ConnectorHealth;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ConnectorHealthGeneratorTest {

    /** A clock the test moves forward. */
    static final class StepClock extends Clock {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void statusMixIsEightyFiveTenFiveWithMatchingLatencies() {
        DemoDimensions dims = DemoWorld.dimensions();
        StepClock clock = new StepClock();
        ConnectorHealthGenerator g = new ConnectorHealthGenerator(dims.connectors(), new ConnectorActivity(),
                new SplittableRandom(7), clock);
        List<ConnectorHealth> rows = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            clock.now = clock.now.plusSeconds(10);
            List<ConnectorHealth> check = g.check();
            assertThat(check).extracting(ConnectorHealth::connectorId)
                    .containsExactly("lenel-primary", "ccure-satellite", "s2-building-b", "genetec-campus");
            rows.addAll(check);
        }
        double n = rows.size();
        assertThat(rows.stream().filter(r -> r.status().equals("OK")).count() / n).isCloseTo(0.85, within(0.02));
        assertThat(rows.stream().filter(r -> r.status().equals("WARN")).count() / n).isCloseTo(0.10, within(0.015));
        assertThat(rows.stream().filter(r -> r.status().equals("DOWN")).count() / n).isCloseTo(0.05, within(0.012));
        assertThat(rows).allSatisfy(r -> {
            switch (r.status()) {
                case "OK" -> {
                    assertThat(r.latencyMs()).isBetween(50L, 500L);
                    assertThat(r.errorMessage()).isNull();
                    assertThat(r.lastSuccessfulSync()).isEqualTo(r.checkTime());
                }
                case "WARN" -> {
                    assertThat(r.latencyMs()).isGreaterThanOrEqualTo(1000);
                    assertThat(r.errorCode()).isEqualTo("W-LATENCY");
                }
                default -> {
                    assertThat(r.latencyMs()).isGreaterThanOrEqualTo(1000);
                    assertThat(r.errorCode()).isEqualTo("E-TIMEOUT");
                    assertThat(r.lastSuccessfulSync()).isNotEqualTo(r.checkTime());
                }
            }
        });
    }

    @Test
    void eventsPerMinuteIsTheGeneratorsActualRatePerConnector() {
        DemoDimensions dims = DemoWorld.dimensions();
        StepClock clock = new StepClock();
        ConnectorActivity activity = new ConnectorActivity();
        ConnectorHealthGenerator g = new ConnectorHealthGenerator(dims.connectors(), activity, new SplittableRandom(1), clock);
        // 10 s: 25 events on lenel-primary, none elsewhere -> 150 events/minute
        clock.now = clock.now.plusSeconds(10);
        for (int i = 0; i < 25; i++) {
            activity.record("acme", "lenel-primary", clock.now.minusMillis(i));
        }
        List<ConnectorHealth> first = g.check();
        assertThat(first.get(0).eventsPerMinute()).isEqualTo(150.0f);
        assertThat(first.get(0).lastEventTime()).isEqualTo(clock.now);
        assertThat(first.get(1).eventsPerMinute()).isZero();
        assertThat(first.get(1).lastEventTime()).isNull();
        // next 20 s: 10 more -> 30 events/minute (only the new events count)
        clock.now = clock.now.plusSeconds(20);
        for (int i = 0; i < 10; i++) {
            activity.record("acme", "lenel-primary", clock.now);
        }
        assertThat(g.check().get(0).eventsPerMinute()).isEqualTo(30.0f);
    }
}
