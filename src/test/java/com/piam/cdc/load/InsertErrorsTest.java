package com.piam.cdc.load;

import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/** Messages as ClickHouse 18.16 and the JDBC driver word them (seen on the local stack). */
class InsertErrorsTest {

    static final String OUT_OF_RANGE = "Code: 321, e.displayText() = DB::Exception: Expression returns value NULL, "
            + "that is out of range of type UInt64, at: -5, 'A', 'x'), e.what() = DB::Exception\n";
    static final String UNKNOWN_ENUM = "Code: 49, e.displayText() = DB::Exception: Unknown element 'C' for type "
            + "Enum8('A' = 1, 'B' = 2), e.what() = DB::Exception\n";

    @Test
    void refusedValuesAreData() {
        assertThat(InsertErrors.rejectsData(new BatchUpdateException(OUT_OF_RANGE, new int[0]))).isTrue();
        assertThat(InsertErrors.rejectsData(new SQLException("wrapped", new BatchUpdateException(UNKNOWN_ENUM, new int[0])))).isTrue();
        assertThat(InsertErrors.rejectsData(new SQLException("Code: 41, e.displayText() = DB::Exception: Cannot parse datetime"))).isTrue();
    }

    @Test
    void serverAndConfigurationProblemsAreRetriedNotSetAside() {
        assertThat(InsertErrors.rejectsData(new SQLException("Connect failed", new ConnectException("Connection refused")))).isFalse();
        assertThat(InsertErrors.rejectsData(new SQLException("Code: 60, e.displayText() = DB::Exception: Table piam.x doesn't exist."))).isFalse();
        assertThat(InsertErrors.rejectsData(new SQLException("Code: 252, e.displayText() = DB::Exception: Too many parts (300)"))).isFalse();
        assertThat(InsertErrors.rejectsData(new SQLException("Code: 241, e.displayText() = DB::Exception: Memory limit exceeded"))).isFalse();
        assertThat(InsertErrors.rejectsData(new SQLException("Code: 49, e.displayText() = DB::Exception: Logical error: bad cast"))).isFalse();
        assertThat(InsertErrors.rejectsData(new SQLException("Code: 516, e.displayText() = DB::Exception: default: Authentication failed"))).isFalse();
    }

    @Test
    void reasonKeepsClickHousesWordsWithoutTheWrapping() {
        assertThat(InsertErrors.reason(new BatchUpdateException(OUT_OF_RANGE, new int[0]))).isEqualTo(
                "ClickHouse refused it: Code 321: Expression returns value NULL, that is out of range of type UInt64, at: -5, 'A', 'x')");
        assertThat(InsertErrors.reason(new BatchUpdateException(UNKNOWN_ENUM, new int[0]))).isEqualTo(
                "ClickHouse refused it: Code 49: Unknown element 'C' for type Enum8('A' = 1, 'B' = 2)");
    }

    @Test
    void aRowOurConversionFailsOnIsDataWithItsOwnReason() {
        ClickHouseWriter.UnconvertibleRow row = new ClickHouseWriter.UnconvertibleRow("piam.fact_access_events",
                new NullPointerException("eventTime is null"));
        assertThat(InsertErrors.rejectsData(row)).isTrue();
        assertThat(InsertErrors.reason(row)).isEqualTo("could not be converted for piam.fact_access_events: NullPointerException: eventTime is null");
    }

    @Test
    void tooManyPartitionsInOneInsertIsSplitNotRetriedNorSetAside() {
        // current ClickHouse (checked with chdb 26.7) and the 18.16-style wording of the same code
        SQLException current = new SQLException("Code: 252. DB::Exception: Too many partitions for single INSERT block (more than 100). "
                + "The limit is controlled by 'max_partitions_per_insert_block' setting.");
        SQLException old = new SQLException("Code: 252, e.displayText() = DB::Exception: Too many partitions for single INSERT block");
        assertThat(InsertErrors.tooManyPartitions(current)).isTrue();
        assertThat(InsertErrors.tooManyPartitions(new SQLException("wrapped", old))).isTrue();
        assertThat(InsertErrors.rejectsData(current)).isFalse();
        assertThat(InsertErrors.tooManyPartitions(new SQLException("Code: 252, e.displayText() = DB::Exception: Too many parts (300)")))
                .as("too many parts is the server's load: retried").isFalse();
    }
}
