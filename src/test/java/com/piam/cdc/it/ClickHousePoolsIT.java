package com.piam.cdc.it;

import com.piam.cdc.Pools;
import com.piam.cdc.config.Login;
import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A query or insert that takes a few seconds works through the runtime's ClickHouse pools, also on a
 * connection the pool has checked after it sat idle. Hikari checked idle connections with isValid(n),
 * which the ClickHouse driver kept as the read timeout: a 2-second query then failed with "Read timed out"
 * (found while reconciling a 40-minute range).
 */
class ClickHousePoolsIT {

    static final String URL = "jdbc:clickhouse:http://127.0.0.1:" + System.getenv().getOrDefault("CLICKHOUSE_PORT", "8123")
            + "/piam?clickhouse.jdbc.v1=true&server_version=18.16.1&server_time_zone=UTC&compress=false"
            + "&format=TabSeparatedWithNamesAndTypes&custom_http_params=default_format=TabSeparatedWithNamesAndTypes,database=piam";

    @Test
    void aTwoSecondQueryWorksOnAConnectionThePoolCheckedAfterIdling() throws Exception {
        try (HikariDataSource pool = Pools.create("it-pool", URL, new Login("piam_reader", StackLogins.password("CLICKHOUSE_READER_PASSWORD")), 1)) {
            try (Connection c = pool.getConnection()) {
                assertThat(c.isClosed()).isFalse();
            }
            Thread.sleep(1_000); // past Hikari's 500 ms: the next borrow checks the connection first
            try (Connection c = pool.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT sleep(2), count() FROM system.one")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(2)).isEqualTo(1);
            }
        }
    }
}
