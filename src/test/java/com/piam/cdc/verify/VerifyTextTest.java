package com.piam.cdc.verify;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class VerifyTextTest {

    @Test
    void agesReadLikeAClock() {
        assertThat(VerifyText.age(850)).isEqualTo("850 ms");
        assertThat(VerifyText.age(12_400)).isEqualTo("12 s");
        assertThat(VerifyText.age(185_000)).isEqualTo("3m 05s");
        assertThat(VerifyText.age(7_800_000)).isEqualTo("2h 10m");
    }

    @Test
    void hostAndPortComeFromTheJdbcUrl() {
        assertThat(VerifyText.hostPort("jdbc:clickhouse:http://127.0.0.1:8123/piam?clickhouse.jdbc.v1=true&compress=false"))
                .isEqualTo("127.0.0.1:8123");
        assertThat(VerifyText.hostPort("jdbc:clickhouse://clickhouse:8123/piam")).isEqualTo("clickhouse:8123");
        assertThat(VerifyText.hostPort("jdbc:mariadb://127.0.0.1:3306/cloudgate")).isEqualTo("127.0.0.1:3306");
    }

    @Test
    void aRefusedConnectionIsNamedWithWhere() {
        SQLException wrapped = new SQLException("batch failed", new RuntimeException("io", new ConnectException("Connection refused")));
        assertThat(VerifyText.problem(wrapped, "127.0.0.1:8123")).isEqualTo("connection refused at 127.0.0.1:8123");
        assertThat(VerifyText.problem(new SQLException("Access denied for user 'x'"), "127.0.0.1:3306"))
                .isEqualTo("SQLException: Access denied for user 'x' (127.0.0.1:3306)");
    }
}
