package com.piam.cdc.generate;

import com.piam.cdc.domain.PacsType;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo's world, as seeded in ClickHouse's piam.dim_* tables: tenants' PACS connectors, the
 * sites each connector serves, their doors, and the people with badges. Events are drawn from it.
 */
public record DemoDimensions(List<Connector> connectors, List<Site> sites, List<Location> locations, List<Person> people) {

    public record Connector(String tenantId, String connectorId, String connectorName, PacsType pacsType,
                            String pacsVersion, String endpointUrl) {
    }

    public record Site(String tenantId, String siteId, String connectorId) {
    }

    public record Location(String tenantId, String siteId, String locationId, boolean restricted) {
    }

    public record Person(String tenantId, String personId, String badgeId, boolean badgeActive) {
    }

    /** What the generators need per tenant, checked to be complete. */
    public record Tenant(String tenantId, List<Site> sites, Map<String, List<Location>> locationsBySite,
                         Map<String, Connector> connectorsById, List<Person> activePeople, List<Person> expiredPeople) {
    }

    /** The dimensions of one tenant; fails naming the missing table when the tenant is incomplete. */
    public Tenant tenant(String tenantId) {
        Map<String, Connector> connectorsById = connectors.stream().filter(c -> c.tenantId().equals(tenantId))
                .collect(Collectors.toMap(Connector::connectorId, c -> c, (a, b) -> a));
        List<Site> tenantSites = sites.stream()
                .filter(s -> s.tenantId().equals(tenantId) && connectorsById.containsKey(s.connectorId())).toList();
        Map<String, List<Location>> locationsBySite = locations.stream()
                .filter(l -> l.tenantId().equals(tenantId))
                .collect(Collectors.groupingBy(Location::siteId));
        List<Site> usableSites = tenantSites.stream().filter(s -> locationsBySite.containsKey(s.siteId())).toList();
        List<Person> active = people.stream().filter(p -> p.tenantId().equals(tenantId) && p.badgeActive()).toList();
        List<Person> expired = people.stream().filter(p -> p.tenantId().equals(tenantId) && !p.badgeActive()).toList();
        if (connectorsById.isEmpty()) {
            throw new IllegalStateException(missing(tenantId, "connectors in piam.dim_connector"));
        }
        if (usableSites.isEmpty()) {
            throw new IllegalStateException(missing(tenantId, "sites with a known connector and locations in piam.dim_site / piam.dim_location"));
        }
        if (active.isEmpty()) {
            throw new IllegalStateException(missing(tenantId, "people with an ACTIVE badge in piam.dim_person"));
        }
        return new Tenant(tenantId, usableSites, locationsBySite, connectorsById, active, expired);
    }

    private static String missing(String tenantId, String what) {
        return "tenant '" + tenantId + "' has no " + what
                + ": check TENANTS or re-apply ops/clickhouse-init (ops/local/stack.sh up)";
    }
}
