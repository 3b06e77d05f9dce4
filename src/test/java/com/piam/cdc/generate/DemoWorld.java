package com.piam.cdc.generate;

import com.piam.cdc.domain.PacsType;

import java.util.ArrayList;
import java.util.List;

/** A small in-memory copy of the seeded dimensions for unit tests. */
final class DemoWorld {

    private DemoWorld() {
    }

    static DemoDimensions dimensions() {
        List<DemoDimensions.Connector> connectors = List.of(
                new DemoDimensions.Connector("acme", "lenel-primary", "Lenel Primary", PacsType.LENEL, "OnGuard 8.1", "https://lenel"),
                new DemoDimensions.Connector("acme", "ccure-satellite", "C-CURE Satellite", PacsType.CCURE, "C-CURE 9000", "https://ccure"),
                new DemoDimensions.Connector("buildright", "s2-building-b", "S2 Building B", PacsType.S2, "S2 NetBox", "https://s2"),
                new DemoDimensions.Connector("buildright", "genetec-campus", "Genetec Campus", PacsType.GENETEC, "Synergis", "https://genetec"));
        List<DemoDimensions.Site> sites = List.of(
                new DemoDimensions.Site("acme", "acme-hq", "lenel-primary"),
                new DemoDimensions.Site("acme", "acme-plant-2", "ccure-satellite"),
                new DemoDimensions.Site("buildright", "br-building-b", "s2-building-b"),
                new DemoDimensions.Site("buildright", "br-campus", "genetec-campus"));
        List<DemoDimensions.Location> locations = new ArrayList<>();
        for (DemoDimensions.Site s : sites) {
            for (int i = 0; i < 3; i++) {
                locations.add(new DemoDimensions.Location(s.tenantId(), s.siteId(), s.siteId() + "-door-" + i, i == 2));
            }
        }
        List<DemoDimensions.Person> people = new ArrayList<>();
        for (String tenant : List.of("acme", "buildright")) {
            for (int i = 0; i < 30; i++) {
                people.add(new DemoDimensions.Person(tenant, tenant + "-p" + i, tenant + "-B" + i, i % 10 != 3));
            }
        }
        return new DemoDimensions(connectors, sites, locations, people);
    }
}
