package com.piam.cdc.generate;

import com.piam.cdc.domain.PacsType;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Reads the seeded piam.dim_* tables from ClickHouse (the spec: the generator draws IDs from the dims). */
public class DimensionsRepository {

    private final DataSource clickHouse;
    private final String database;

    public DimensionsRepository(DataSource clickHouse, String database) {
        this.clickHouse = clickHouse;
        this.database = database;
    }

    public DemoDimensions load() throws SQLException {
        try (Connection c = clickHouse.getConnection(); Statement st = c.createStatement()) {
            List<DemoDimensions.Connector> connectors = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tenant_id, connector_id, connector_name, toString(pacs_type), "
                    + "pacs_version, endpoint_url FROM " + database + ".dim_connector FINAL ORDER BY tenant_id, connector_id")) {
                while (rs.next()) {
                    connectors.add(new DemoDimensions.Connector(rs.getString(1), rs.getString(2), rs.getString(3),
                            PacsType.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6)));
                }
            }
            List<DemoDimensions.Site> sites = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(
                    "SELECT tenant_id, site_id, connector_id FROM " + database + ".dim_site FINAL ORDER BY tenant_id, site_id")) {
                while (rs.next()) {
                    sites.add(new DemoDimensions.Site(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            List<DemoDimensions.Location> locations = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tenant_id, site_id, location_id, is_restricted "
                    + "FROM " + database + ".dim_location FINAL ORDER BY tenant_id, site_id, location_id")) {
                while (rs.next()) {
                    locations.add(new DemoDimensions.Location(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getInt(4) == 1));
                }
            }
            List<DemoDimensions.Person> people = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT tenant_id, person_id, badge_id, badge_status "
                    + "FROM " + database + ".dim_person FINAL ORDER BY tenant_id, person_id")) {
                while (rs.next()) {
                    people.add(new DemoDimensions.Person(rs.getString(1), rs.getString(2), rs.getString(3),
                            "ACTIVE".equals(rs.getString(4))));
                }
            }
            return new DemoDimensions(connectors, sites, locations, people);
        }
    }
}
