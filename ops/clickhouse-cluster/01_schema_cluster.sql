-- PIAM on a ClickHouse cluster (not run here: the development machines have one 18.16 server; checked
-- statically by ClickHouseClusterDdlTest against ops/clickhouse-init). Cluster `piam` in the servers'
-- remote_servers, macros {shard} and {replica}, ClickHouse Keeper (or ZooKeeper) for replication.
-- Use it instead of 01_schema.sql and 03_rollups.sql; the dimension tables of 01_schema.sql / 02_seed
-- stay as they are, created ON CLUSTER on every node (small, read everywhere). See docs/clickhouse-cluster.md.
--
-- Each fact and rollup is a replicated table on every node (<name>_local) under a Distributed table with the
-- name the pipeline and the dashboard already use, so neither changes a table name. Rows are sharded by their
-- key (the ORDER BY of the ReplacingMergeTree), so all versions of one row live on one shard and FINAL
-- (the converged views) still converges per shard.
CREATE DATABASE IF NOT EXISTS piam ON CLUSTER piam;

CREATE TABLE IF NOT EXISTS piam.fact_access_events_local ON CLUSTER piam (
  event_id String,
  tenant_id String,
  event_time DateTime,
  person_id Nullable(String),
  badge_id String,
  site_id String,
  location_id String,
  direction Enum8('IN' = 1, 'OUT' = 2),
  result Enum8('GRANT' = 1, 'DENY' = 2),
  event_type String,
  deny_reason Nullable(String),
  deny_code Nullable(String),
  pacs_source Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3, 'GENETEC' = 4),
  pacs_event_id String,
  raw_payload String,
  suspicious_flag UInt8,
  suspicious_reason Nullable(String),
  suspicious_score Float32,
  event_time_ms UInt64,          -- event_time with milliseconds (epoch ms, UTC)
  source_ts_ms UInt64,           -- commit time at the source (MySQL binlog, or generation time in direct mode)
  ingest_ts_ms UInt64,           -- when the loader sent the batch to ClickHouse
  cdc_op Enum8('r' = 1, 'c' = 2, 'u' = 3, 'd' = 4),  -- snapshot read / create / update / delete
  is_deleted UInt8,              -- 1 = deleted at the source: hidden by the *_current views
  version UInt64                 -- larger wins under FINAL
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/piam/fact_access_events', '{replica}', version)
PARTITION BY toYYYYMM(event_time)
ORDER BY (tenant_id, event_id);

CREATE TABLE IF NOT EXISTS piam.fact_access_events ON CLUSTER piam AS piam.fact_access_events_local
ENGINE = Distributed(piam, piam, fact_access_events_local, cityHash64(tenant_id, event_id));

CREATE TABLE IF NOT EXISTS piam.fact_connector_health_local ON CLUSTER piam (
  tenant_id String,
  connector_id String,
  connector_name String,
  pacs_type Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3, 'GENETEC' = 4),
  pacs_version Nullable(String),
  check_time DateTime,
  status Enum8('OK' = 1, 'WARN' = 2, 'DOWN' = 3),
  latency_ms UInt32,
  events_per_minute Float32,
  error_count_1h UInt32,
  last_event_time Nullable(DateTime),
  error_message Nullable(String),
  error_code Nullable(String),
  endpoint_url Nullable(String),
  last_successful_sync Nullable(DateTime),
  check_time_ms UInt64,
  source_ts_ms UInt64,
  ingest_ts_ms UInt64,
  cdc_op Enum8('r' = 1, 'c' = 2, 'u' = 3, 'd' = 4),
  is_deleted UInt8,
  version UInt64,
  source_id UInt64 DEFAULT 0     -- cg_connector_health.id (0 in direct mode): a delete known by key only finds its row
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/piam/fact_connector_health', '{replica}', version)
PARTITION BY toYYYYMM(check_time)
ORDER BY (tenant_id, connector_id, check_time, check_time_ms);

-- by connector (not by check): the latest-per-connector rollup below converges on one shard
CREATE TABLE IF NOT EXISTS piam.fact_connector_health ON CLUSTER piam AS piam.fact_connector_health_local
ENGINE = Distributed(piam, piam, fact_connector_health_local, cityHash64(tenant_id, connector_id));

-- Converged views over the Distributed tables: FINAL is applied on each shard.
CREATE VIEW IF NOT EXISTS piam.access_events_current ON CLUSTER piam AS
  SELECT * FROM piam.fact_access_events FINAL WHERE is_deleted = 0;
CREATE VIEW IF NOT EXISTS piam.connector_health_current ON CLUSTER piam AS
  SELECT * FROM piam.fact_connector_health FINAL WHERE is_deleted = 0;

-- Rollups: the materialized views fire on the inserts into each shard's local fact table and write that
-- shard's local rollup; the Distributed rollup merges the shards' states (an event_id is on one shard only,
-- so uniqExactMerge over all shards stays exact).
CREATE TABLE IF NOT EXISTS piam.rollup_access_hourly_local ON CLUSTER piam (
  hour DateTime,
  tenant_id String,
  site_id String,
  result Enum8('GRANT' = 1, 'DENY' = 2),
  events AggregateFunction(uniqExact, String),
  suspicious AggregateFunction(uniqExactIf, String, UInt8)
) ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/piam/rollup_access_hourly', '{replica}')
PARTITION BY toYYYYMM(hour)
ORDER BY (tenant_id, hour, site_id, result);

CREATE TABLE IF NOT EXISTS piam.rollup_access_hourly ON CLUSTER piam AS piam.rollup_access_hourly_local
ENGINE = Distributed(piam, piam, rollup_access_hourly_local, rand());

CREATE MATERIALIZED VIEW IF NOT EXISTS piam.mv_access_hourly ON CLUSTER piam TO piam.rollup_access_hourly_local AS
SELECT
  toStartOfHour(event_time) AS hour,
  tenant_id,
  site_id,
  result,
  uniqExactState(event_id) AS events,
  uniqExactIfState(event_id, suspicious_flag) AS suspicious
FROM piam.fact_access_events_local
WHERE is_deleted = 0
GROUP BY hour, tenant_id, site_id, result;

CREATE TABLE IF NOT EXISTS piam.rollup_connector_latest_local ON CLUSTER piam (
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
) ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/piam/rollup_connector_latest', '{replica}', check_time_ms)
ORDER BY (tenant_id, connector_id);

CREATE TABLE IF NOT EXISTS piam.rollup_connector_latest ON CLUSTER piam AS piam.rollup_connector_latest_local
ENGINE = Distributed(piam, piam, rollup_connector_latest_local, cityHash64(tenant_id, connector_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS piam.mv_connector_latest ON CLUSTER piam TO piam.rollup_connector_latest_local AS
SELECT tenant_id, connector_id, connector_name, pacs_type, check_time, check_time_ms,
       status, latency_ms, events_per_minute, error_message
FROM piam.fact_connector_health_local
WHERE is_deleted = 0;
