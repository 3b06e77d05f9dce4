package com.piam.cdc.generate;

import com.piam.cdc.clickhouse.ClickHouseQueries;
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
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.connectors(database))) {
                while (rs.next()) {
                    connectors.add(new DemoDimensions.Connector(rs.getString(1), rs.getString(2), rs.getString(3),
                            PacsType.valueOf(rs.getString(4)), rs.getString(5), rs.getString(6)));
                }
            }
            List<DemoDimensions.Site> sites = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.sites(database))) {
                while (rs.next()) {
                    sites.add(new DemoDimensions.Site(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            List<DemoDimensions.Location> locations = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.locations(database))) {
                while (rs.next()) {
                    locations.add(new DemoDimensions.Location(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getInt(4) == 1));
                }
            }
            List<DemoDimensions.Person> people = new ArrayList<>();
            try (ResultSet rs = st.executeQuery(ClickHouseQueries.people(database))) {
                while (rs.next()) {
                    people.add(new DemoDimensions.Person(rs.getString(1), rs.getString(2), rs.getString(3),
                            "ACTIVE".equals(rs.getString(4))));
                }
            }
            return new DemoDimensions(connectors, sites, locations, people);
        }
    }
}
