package com.piam.cdc.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.PacsType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AccessEventGeneratorTest {

    static final int DRAWS = 5000;
    static final DemoDimensions DIMS = DemoWorld.dimensions();
    static final Map<String, PacsType> PACS_BY_SITE = Map.of(
            "acme-hq", PacsType.LENEL, "acme-plant-2", PacsType.CCURE,
            "br-building-b", PacsType.S2, "br-campus", PacsType.GENETEC);
    static List<AccessEvent> events;
    static ConnectorActivity activity;

    @BeforeAll
    static void draw() {
        activity = new ConnectorActivity();
        AccessEventGenerator g = new AccessEventGenerator(
                List.of(DIMS.tenant("acme"), DIMS.tenant("buildright")), 0.75, 0.05,
                new SplittableRandom(42), Clock.fixed(Instant.parse("2026-11-23T10:15:30.123Z"), ZoneOffset.UTC), activity);
        events = new ArrayList<>();
        for (int i = 0; i < DRAWS; i++) {
            events.add(g.next());
        }
    }

    static double share(java.util.function.Predicate<AccessEvent> p) {
        return events.stream().filter(p).count() / (double) DRAWS;
    }

    @Test
    void grantDenySplitIsSeventyFiveTwentyFive() {
        assertThat(share(AccessEvent::granted)).isCloseTo(0.75, within(0.03));
        assertThat(events).allSatisfy(e -> assertThat(e.result()).isIn("GRANT", "DENY"));
    }

    @Test
    void deniesUseTheFiveSpecReasonsRoughlyEvenly() {
        List<AccessEvent> denies = events.stream().filter(e -> !e.granted()).toList();
        Map<String, Long> byReason = denies.stream().collect(Collectors.groupingBy(AccessEvent::denyReason, Collectors.counting()));
        assertThat(byReason.keySet()).containsExactlyInAnyOrderElementsOf(AccessEventGenerator.DENY_REASONS);
        byReason.values().forEach(n -> assertThat(n / (double) denies.size()).isCloseTo(0.2, within(0.05)));
        assertThat(denies).allSatisfy(e -> {
            assertThat(e.denyCode()).startsWith(e.pacsSource().name() + "-");
            assertThat(e.eventType()).isEqualTo("ACCESS_DENIED");
        });
        assertThat(events.stream().filter(AccessEvent::granted))
                .allSatisfy(e -> assertThat(e.denyReason()).isNull());
    }

    @Test
    void invalidBadgesBelongToNobodyAndExpiredBadgesToExpiredPeople() {
        Set<String> expiredBadges = DIMS.people().stream().filter(p -> !p.badgeActive())
                .map(DemoDimensions.Person::badgeId).collect(Collectors.toSet());
        assertThat(events.stream().filter(e -> "INVALID_BADGE".equals(e.denyReason())))
                .isNotEmpty()
                .allSatisfy(e -> {
                    assertThat(e.personId()).isNull();
                    assertThat(e.badgeId()).startsWith("UNK-");
                });
        assertThat(events.stream().filter(e -> "EXPIRED_BADGE".equals(e.denyReason())))
                .isNotEmpty()
                .allSatisfy(e -> assertThat(expiredBadges).contains(e.badgeId()));
        assertThat(events.stream().filter(AccessEvent::granted))
                .allSatisfy(e -> assertThat(expiredBadges).doesNotContain(e.badgeId()));
    }

    @Test
    void aboutFivePercentSuspiciousWithScores() {
        assertThat(share(AccessEvent::suspicious)).isCloseTo(0.05, within(0.015));
        assertThat(events.stream().filter(AccessEvent::suspicious)).allSatisfy(e -> {
            assertThat(e.suspiciousScore()).isBetween(0.55f, 0.99f);
            assertThat(e.suspiciousReason()).isIn(AccessEventGenerator.SUSPICIOUS_REASONS);
        });
        assertThat(events.stream().filter(e -> !e.suspicious())).allSatisfy(e -> {
            assertThat(e.suspiciousScore()).isZero();
            assertThat(e.suspiciousReason()).isNull();
        });
    }

    @Test
    void allFourConnectorsAppearAndEventsCarryTheirSitesPacs() {
        assertThat(events).allSatisfy(e -> assertThat(e.pacsSource()).isEqualTo(PACS_BY_SITE.get(e.siteId())));
        Map<PacsType, Long> byPacs = events.stream().collect(Collectors.groupingBy(AccessEvent::pacsSource, Collectors.counting()));
        assertThat(byPacs).containsOnlyKeys(PacsType.values());
        byPacs.values().forEach(n -> assertThat(n / (double) DRAWS).isCloseTo(0.25, within(0.04)));
        long counted = DIMS.connectors().stream().mapToLong(c -> activity.events(c.tenantId(), c.connectorId())).sum();
        assertThat(counted).isEqualTo(DRAWS);
    }

    @Test
    void locationsAndPeopleBelongToTheEventsTenantAndSite() {
        Map<String, DemoDimensions.Location> locations = DIMS.locations().stream()
                .collect(Collectors.toMap(DemoDimensions.Location::locationId, Function.identity()));
        assertThat(events).allSatisfy(e -> {
            DemoDimensions.Location l = locations.get(e.locationId());
            assertThat(l.siteId()).isEqualTo(e.siteId());
            assertThat(l.tenantId()).isEqualTo(e.tenantId());
            if (e.personId() != null) {
                assertThat(e.personId()).startsWith(e.tenantId() + "-");
            }
            assertThat(e.direction()).isIn("IN", "OUT");
        });
    }

    @Test
    void payloadIsVendorJsonOfAtMostTwoKilobytes() throws Exception {
        ObjectMapper json = new ObjectMapper();
        int max = 0;
        for (AccessEvent e : events) {
            byte[] bytes = e.rawPayload().getBytes(StandardCharsets.UTF_8);
            max = Math.max(max, bytes.length);
            JsonNode node = json.readTree(bytes);
            assertThat(node.toString()).contains(e.badgeId()).contains(e.pacsEventId());
        }
        assertThat(max).isLessThanOrEqualTo(PacsPayloads.MAX_BYTES);
    }

    @Test
    void eventIdsAreUniqueTimeOrderedUuids() {
        Set<String> ids = new HashSet<>();
        for (AccessEvent e : events) {
            UUID id = UUID.fromString(e.eventId());
            assertThat(id.version()).isEqualTo(7);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(e.eventTime().toEpochMilli());
            assertThat(ids.add(e.eventId())).isTrue();
        }
        assertThat(events.stream().map(AccessEvent::pacsEventId).distinct().count()).isEqualTo(DRAWS);
    }

    @Test
    void laterEventsGetLargerIdsSoMySqlAppendsToThePrimaryKey() {
        AccessEventGenerator g = new AccessEventGenerator(List.of(DIMS.tenant("acme")), 0.75, 0.05,
                new SplittableRandom(7), Clock.systemUTC(), new ConnectorActivity());
        Instant t = Instant.parse("2026-11-23T10:15:30.123Z");
        String previous = "";
        for (int i = 0; i < 1000; i++) {
            String id = g.uuid7(t.plusMillis(i)).toString();
            assertThat(id).isGreaterThan(previous); // string order = the VARCHAR key's order
            previous = id;
        }
    }
}
