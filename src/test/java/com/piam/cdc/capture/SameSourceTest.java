package com.piam.cdc.capture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SameSourceTest {

    private static final String URL = "jdbc:mariadb://db-b:3306/cloudgate";

    @Test
    void theSameServerPasses() {
        assertThat(SameSource.compare(new SameSource.Identity(1, "db-a", 3306), "db-a:3306",
                new SameSource.Identity(1, "db-a", 3306), URL)).isNull();
    }

    @Test
    void anotherServerIsNamedWithBothSettings() {
        for (SameSource.Identity other : new SameSource.Identity[] {new SameSource.Identity(2, "db-a", 3306),
                new SameSource.Identity(1, "db-b", 3306), new SameSource.Identity(1, "db-a", 3307)}) {
            assertThat(SameSource.compare(new SameSource.Identity(1, "db-a", 3306), "db-a:3306", other, URL))
                    .isEqualTo("MYSQL_HOST/MYSQL_PORT (db-a:3306, read by the capture) and MYSQL_JDBC_URL (" + URL + ", used by the "
                            + "generators, the verifier and reconciliation) reach two different servers: server_id 1 on host db-a port "
                            + "3306 and " + other + "; point both at the server the capture should read");
        }
    }
}
