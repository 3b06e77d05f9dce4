package com.piam.cdc.generate;

import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.PacsType;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Draws believable badge scans from the demo dimensions: a tenant, one of its sites (and so its
 * PACS connector), a door, a person. GRANT with probability grantRatio, otherwise DENY with one of
 * the spec's five reasons; suspicious with probability suspiciousRatio.
 */
public class AccessEventGenerator {

    /** The spec's deny reasons. */
    public static final List<String> DENY_REASONS =
            List.of("INVALID_BADGE", "EXPIRED_BADGE", "NO_ENTITLEMENT", "ANTIPASSBACK", "SCHEDULE_VIOLATION");

    static final List<String> SUSPICIOUS_REASONS = List.of(
            "AFTER_HOURS_ACCESS", "RAPID_BADGE_REUSE", "IMPOSSIBLE_TRAVEL", "RESTRICTED_AREA_PROBE", "TAILGATING_SUSPECTED");

    private static final Map<PacsType, String> EVENT_ID_PREFIX = new EnumMap<>(Map.of(
            PacsType.LENEL, "OG", PacsType.CCURE, "CC9K", PacsType.S2, "NBX", PacsType.GENETEC, "SYN"));

    private final List<DemoDimensions.Tenant> tenants;
    private final double grantRatio;
    private final double suspiciousRatio;
    private final RandomGenerator random;
    private final Clock clock;
    private final ConnectorActivity activity;
    private final AtomicLong pacsSerial;

    public AccessEventGenerator(List<DemoDimensions.Tenant> tenants, double grantRatio, double suspiciousRatio,
                                RandomGenerator random, Clock clock, ConnectorActivity activity) {
        if (tenants.isEmpty()) {
            throw new IllegalArgumentException("no tenants to generate events for");
        }
        this.tenants = List.copyOf(tenants);
        this.grantRatio = grantRatio;
        this.suspiciousRatio = suspiciousRatio;
        this.random = random;
        this.clock = clock;
        this.activity = activity;
        this.pacsSerial = new AtomicLong(clock.millis() / 1000 * 1000);
    }

    public AccessEvent next() {
        DemoDimensions.Tenant tenant = tenants.get(random.nextInt(tenants.size()));
        DemoDimensions.Site site = pick(tenant.sites());
        DemoDimensions.Location location = pick(tenant.locationsBySite().get(site.siteId()));
        DemoDimensions.Connector connector = tenant.connectorsById().get(site.connectorId());
        PacsType pacs = connector.pacsType();
        Instant time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String direction = random.nextDouble() < 0.55 ? "IN" : "OUT";

        boolean granted = random.nextDouble() < grantRatio;
        String denyReason = granted ? null : DENY_REASONS.get(random.nextInt(DENY_REASONS.size()));
        String personId;
        String badgeId;
        if ("INVALID_BADGE".equals(denyReason)) {
            personId = null; // an unknown card: nobody to attribute it to
            badgeId = "UNK-" + (100000 + random.nextInt(900000));
        } else {
            List<DemoDimensions.Person> pool = "EXPIRED_BADGE".equals(denyReason) && !tenant.expiredPeople().isEmpty()
                    ? tenant.expiredPeople() : tenant.activePeople();
            DemoDimensions.Person person = pick(pool);
            personId = person.personId();
            badgeId = person.badgeId();
        }
        String denyCode = granted ? null : denyCode(pacs, denyReason);

        boolean suspicious = random.nextDouble() < suspiciousRatio;
        String suspiciousReason = suspicious ? pick(SUSPICIOUS_REASONS) : null;
        float score = suspicious ? Math.round((0.55 + random.nextDouble() * 0.44) * 100) / 100f : 0f;

        String pacsEventId = pacs == PacsType.GENETEC
                ? uuid4().toString()
                : EVENT_ID_PREFIX.get(pacs) + "-" + pacsSerial.incrementAndGet();
        String payload = PacsPayloads.payload(pacs, pacsEventId, time, badgeId, personId, site.siteId(),
                location.locationId(), direction, granted, denyReason, denyCode);

        activity.record(tenant.tenantId(), connector.connectorId(), time);
        return new AccessEvent(uuid7(time).toString(), tenant.tenantId(), time,
                personId, badgeId, site.siteId(), location.locationId(), direction, granted ? "GRANT" : "DENY",
                granted ? "ACCESS_GRANTED" : "ACCESS_DENIED", denyReason, denyCode, pacs, pacsEventId, payload,
                suspicious, suspiciousReason, score);
    }

    /** Vendor-flavoured deny code, e.g. LENEL-102 for an expired badge on OnGuard. */
    static String denyCode(PacsType pacs, String denyReason) {
        return pacs.name() + "-" + (101 + DENY_REASONS.indexOf(denyReason));
    }

    /**
     * A time-ordered (version 7, RFC 9562) UUID for the event id: the event time's epoch millis in the
     * first 48 bits, then random bits. cg_access_event's primary key (InnoDB's clustered index) then
     * grows at its end instead of at random pages: inserts stay fast as the table grows past the
     * buffer pool (random version 4 ids made MariaDB read a page from disk for most inserts).
     */
    UUID uuid7(Instant time) {
        long msb = (time.toEpochMilli() << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** A random (version 4) UUID from the generator's own random source, so seeded runs repeat. */
    private UUID uuid4() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
