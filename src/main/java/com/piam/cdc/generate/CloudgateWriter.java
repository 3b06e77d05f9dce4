package com.piam.cdc.generate;

import com.piam.cdc.Retry;
import com.piam.cdc.domain.AccessEvent;
import com.piam.cdc.domain.ConnectorHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * INGEST_MODE=cdc: the generators' rows go into MySQL's cloudgate tables, one prepared batch per
 * tick in one transaction. While MySQL is unreachable the batch is retried with backoff and the
 * generator timer waits, so nothing generated is dropped.
 */
public class CloudgateWriter {

    private static final Logger LOG = LoggerFactory.getLogger(CloudgateWriter.class);

    static final String INSERT_ACCESS_EVENT = "INSERT INTO cg_access_event (event_id, tenant_id, event_time, person_id, "
            + "badge_id, site_id, location_id, direction, result, event_type, deny_reason, deny_code, pacs_source, "
            + "pacs_event_id, raw_payload, suspicious_flag, suspicious_reason, suspicious_score) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    static final String INSERT_CONNECTOR_HEALTH = "INSERT INTO cg_connector_health (tenant_id, connector_id, "
            + "connector_name, pacs_type, pacs_version, check_time, status, latency_ms, events_per_minute, error_count_1h, "
            + "last_event_time, error_message, error_code, endpoint_url, last_successful_sync) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final DataSource mysql;
    private final Retry retry;

    public CloudgateWriter(DataSource mysql, BooleanSupplier stopping, long maxBackoffMs) {
        this.mysql = mysql;
        this.retry = new Retry(LOG, 500, maxBackoffMs, stopping);
    }

    public void insertAccessEvents(List<AccessEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        write("insert of " + events.size() + " access events into cloudgate.cg_access_event", INSERT_ACCESS_EVENT,
                c -> allStored(c, events), ps -> {
            for (AccessEvent e : events) {
                ps.setString(1, e.eventId());
                ps.setString(2, e.tenantId());
                ps.setObject(3, utc(e.eventTime()));
                ps.setString(4, e.personId());
                ps.setString(5, e.badgeId());
                ps.setString(6, e.siteId());
                ps.setString(7, e.locationId());
                ps.setString(8, e.direction());
                ps.setString(9, e.result());
                ps.setString(10, e.eventType());
                ps.setString(11, e.denyReason());
                ps.setString(12, e.denyCode());
                ps.setString(13, e.pacsSource().name());
                ps.setString(14, e.pacsEventId());
                ps.setString(15, e.rawPayload());
                ps.setInt(16, e.suspiciousFlag());
                ps.setString(17, e.suspiciousReason());
                ps.setFloat(18, e.suspiciousScore());
                ps.addBatch();
            }
        });
    }

    public void insertConnectorHealth(List<ConnectorHealth> rows) {
        if (rows.isEmpty()) {
            return;
        }
        // rows keyed by an AUTO_INCREMENT id: a duplicate key is never "already stored"
        write("insert of " + rows.size() + " health rows into cloudgate.cg_connector_health", INSERT_CONNECTOR_HEALTH,
                c -> false, ps -> {
            for (ConnectorHealth h : rows) {
                ps.setString(1, h.tenantId());
                ps.setString(2, h.connectorId());
                ps.setString(3, h.connectorName());
                ps.setString(4, h.pacsType().name());
                ps.setString(5, h.pacsVersion());
                ps.setObject(6, utc(h.checkTime()));
                ps.setString(7, h.status());
                ps.setLong(8, h.latencyMs());
                ps.setFloat(9, h.eventsPerMinute());
                ps.setLong(10, h.errorCount1h());
                setNullableTime(ps, 11, h.lastEventTime());
                ps.setString(12, h.errorMessage());
                ps.setString(13, h.errorCode());
                ps.setString(14, h.endpointUrl());
                setNullableTime(ps, 15, h.lastSuccessfulSync());
                ps.addBatch();
            }
        });
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private interface StoredCheck {
        boolean stored(Connection c) throws SQLException;
    }

    /** MariaDB/MySQL error 1062 ER_DUP_ENTRY: the only integrity error that can mean "already stored". */
    static final int DUPLICATE_KEY = 1062;

    /**
     * Runs the batch in one transaction, retried with backoff while it fails. A duplicate key counts
     * as "already stored" only when {@code stored} confirms the whole batch is there (a retry after
     * a lost commit acknowledgement); any other error fails the attempt loudly and is retried, so
     * the generated rows are never dropped.
     */
    private void write(String what, String sql, StoredCheck stored, Binder binder) {
        retry.run(what, () -> "the generator waits until MySQL accepts it", () -> {
            try (Connection c = mysql.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    binder.bind(ps);
                    ps.executeBatch();
                    c.commit();
                } catch (SQLException e) {
                    c.rollback();
                    if (!duplicateKey(e) || !stored.stored(c)) {
                        throw e;
                    }
                    LOG.warn("{}: already stored ({}), not inserting again", what, e.getMessage());
                }
            }
            return null;
        });
    }

    /** Error 1062 anywhere in the chain (a batch reports it wrapped in a BatchUpdateException). */
    static boolean duplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() == DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }

    /** Whether every one of these events is in cloudgate.cg_access_event. */
    static boolean allStored(Connection c, List<AccessEvent> events) throws SQLException {
        String marks = String.join(",", java.util.Collections.nCopies(events.size(), "?"));
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM cg_access_event WHERE event_id IN (" + marks + ")")) {
            for (int i = 0; i < events.size(); i++) {
                ps.setString(i + 1, events.get(i).eventId());
            }
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) == events.size();
            }
        }
    }

    /** DATETIME(3) columns hold UTC wall-clock time (Debezium reads them back as UTC epoch millis). */
    static LocalDateTime utc(Instant t) {
        return LocalDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    private static void setNullableTime(PreparedStatement ps, int i, Instant t) throws SQLException {
        if (t == null) {
            ps.setNull(i, Types.TIMESTAMP);
        } else {
            ps.setObject(i, utc(t));
        }
    }
}
