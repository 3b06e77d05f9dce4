package com.piam.cdc.verify;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineVerifierTest {

    @Test
    void agesReadLikeAClock() {
        assertThat(PipelineVerifier.age(850)).isEqualTo("850 ms");
        assertThat(PipelineVerifier.age(12_400)).isEqualTo("12 s");
        assertThat(PipelineVerifier.age(185_000)).isEqualTo("3m 05s");
        assertThat(PipelineVerifier.age(7_800_000)).isEqualTo("2h 10m");
    }

    @Test
    void hostAndPortComeFromTheJdbcUrl() {
        assertThat(PipelineVerifier.hostPort("jdbc:clickhouse:http://127.0.0.1:8123/piam?clickhouse.jdbc.v1=true&compress=false"))
                .isEqualTo("127.0.0.1:8123");
        assertThat(PipelineVerifier.hostPort("jdbc:clickhouse://clickhouse:8123/piam")).isEqualTo("clickhouse:8123");
        assertThat(PipelineVerifier.hostPort("jdbc:mariadb://127.0.0.1:3306/cloudgate")).isEqualTo("127.0.0.1:3306");
    }

    @Test
    void aRefusedConnectionIsNamedWithWhere() {
        SQLException wrapped = new SQLException("batch failed", new RuntimeException("io", new ConnectException("Connection refused")));
        assertThat(PipelineVerifier.problem(wrapped, "127.0.0.1:8123")).isEqualTo("connection refused at 127.0.0.1:8123");
        assertThat(PipelineVerifier.problem(new SQLException("Access denied for user 'x'"), "127.0.0.1:3306"))
                .isEqualTo("SQLException: Access denied for user 'x' (127.0.0.1:3306)");
    }
}
