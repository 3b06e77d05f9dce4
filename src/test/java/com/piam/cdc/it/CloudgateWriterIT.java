package com.piam.cdc.it;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.PacsType;
import com.piam.cdc.generate.CloudgateWriter;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

import java.sql.Connection;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generator's writer against the real MariaDB: a duplicate key is "already stored" only when
 * the whole batch is there (a retry after a lost commit acknowledgement); otherwise the tick fails
 * loudly and nothing of the batch is dropped silently.
 */
class CloudgateWriterIT {

    private static AccessEvent event(String id) {
        return new AccessEvent(id, "acme", Instant.now(), null, "ACM-1", "acme-hq", "acme-hq-lobby", "IN", "GRANT",
                "ACCESS_GRANTED", null, null, PacsType.LENEL, "p-" + id, "{}", false, null, 0f);
    }

    @Test
    void aDuplicateCountsAsStoredOnlyWhenTheWholeBatchIsThere() throws Exception {
        MariaDbDataSource ds = new MariaDbDataSource("jdbc:mariadb://127.0.0.1:" + System.getenv().getOrDefault("MYSQL_PORT", "3306")
                + "/cloudgate");
        ds.setUser("cg_generator");
        ds.setPassword(StackLogins.password("MYSQL_PASSWORD"));
        AtomicInteger attempts = new AtomicInteger();
        // "stopping" after the first failure, so a failing write ends instead of retrying for ever
        CloudgateWriter writer = new CloudgateWriter(ds, () -> attempts.incrementAndGet() > 0, 100);
        String p = "it-writer-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<AccessEvent> batch = List.of(event(p + 1), event(p + 2));
        writer.insertAccessEvents(batch);
        writer.insertAccessEvents(batch); // the same batch again: already stored, no error
        assertThat(attempts).as("no failed attempt").hasValue(0);

        List<AccessEvent> partlyNew = List.of(event(p + 3), event(p + 1));
        assertThatThrownBy(() -> writer.insertAccessEvents(partlyNew)).isInstanceOf(Retry.Abandoned.class)
                .hasMessageContaining("Duplicate entry");
        try (Connection c = Cloudgate.connect()) {
            assertThat(Cloudgate.count(c, "SELECT count(*) FROM cg_access_event WHERE event_id LIKE '" + p + "%'"))
                    .as("the batch's transaction rolled back; its new row was not reported as stored").isEqualTo(2);
        }
    }
}
