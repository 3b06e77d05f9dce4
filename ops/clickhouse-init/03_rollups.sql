-- Rollups the dashboard reads, kept up to date by materialized views on insert.
-- Counts are uniqExact states over event_id, so a replayed batch does not inflate them.

-- Hourly access counts by tenant / site / result.
CREATE TABLE IF NOT EXISTS piam.rollup_access_hourly (
  hour DateTime,
  tenant_id String,
  site_id String,
  result Enum8('GRANT' = 1, 'DENY' = 2),
  events AggregateFunction(uniqExact, String),
  suspicious AggregateFunction(uniqExactIf, String, UInt8)
) ENGINE = AggregatingMergeTree()
PARTITION BY toYYYYMM(hour)
ORDER BY (tenant_id, hour, site_id, result);

CREATE MATERIALIZED VIEW IF NOT EXISTS piam.mv_access_hourly TO piam.rollup_access_hourly AS
SELECT
  toStartOfHour(event_time) AS hour,
  tenant_id,
  site_id,
  result,
  uniqExactState(event_id) AS events,
  uniqExactIfState(event_id, suspicious_flag) AS suspicious
FROM piam.fact_access_events
WHERE is_deleted = 0
GROUP BY hour, tenant_id, site_id, result;

-- Latest status per connector: the newest check wins under FINAL.
CREATE TABLE IF NOT EXISTS piam.rollup_connector_latest (
  tenant_id String,
  connector_id String,
  connector_name String,
  pacs_type Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3, 'GENETEC' = 4),
  check_time DateTime,
  check_time_ms UInt64,
  status Enum8('OK' = 1, 'WARN' = 2, 'DOWN' = 3),
  latency_ms UInt32,
  events_per_minute Float32,
  error_message Nullable(String)
) ENGINE = ReplacingMergeTree(check_time_ms)
ORDER BY (tenant_id, connector_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS piam.mv_connector_latest TO piam.rollup_connector_latest AS
SELECT tenant_id, connector_id, connector_name, pacs_type, check_time, check_time_ms,
       status, latency_ms, events_per_minute, error_message
FROM piam.fact_connector_health
WHERE is_deleted = 0;
