package com.piam.cdc.it;

import java.util.Map;

/**
 * A tenant of a test's own: acme's demo dimensions copied under a new id. A runtime with {@code TENANTS=<id>} generates
 * for it, and reconciliation, freshness and the verifier's ClickHouse checks (all per TENANTS) then see only the test's
 * rows in the tables the tests share, from the first minute on (no waiting for a minute no other test wrote in).
 */
final class TestTenant {

    /** The dimension tables the generator reads, with their columns after tenant_id (ops/clickhouse-init/01_schema.sql). */
    private static final Map<String, String> DIMENSIONS = Map.of(
            "dim_tenant", "tenant_name, industry, timezone",
            "dim_connector", "connector_id, connector_name, pacs_type, pacs_version, endpoint_url",
            "dim_site", "site_id, site_name, city, connector_id",
            "dim_location", "site_id, location_id, location_name, location_type, is_restricted",
            "dim_person", "person_id, badge_id, first_name, last_name, department, person_type, badge_status");

    private TestTenant() {
    }

    /** Copies acme's dimensions to {@code id} (lower-case letters, digits, - or _, as TENANTS takes them); returns id. */
    static String copyOfAcme(String id) throws Exception {
        for (Map.Entry<String, String> d : DIMENSIONS.entrySet()) {
            ClickHouseQuery.text("INSERT INTO piam." + d.getKey() + " (tenant_id, " + d.getValue() + ") SELECT '" + id + "', "
                    + d.getValue() + " FROM piam." + d.getKey() + " WHERE tenant_id = 'acme'");
        }
        return id;
    }

    /** Removes the tenant's dimensions (a mutation: ClickHouse rewrites the small tables in its own time). */
    static void drop(String id) throws Exception {
        for (String table : DIMENSIONS.keySet()) {
            ClickHouseQuery.text("ALTER TABLE piam." + table + " DELETE WHERE tenant_id = '" + id + "'");
        }
    }
}
