-- PIAM analytics schema: facts fed by the pipeline, dimensions the generator and dashboard read.
-- Runs on ClickHouse 18.16 (Debian) and current releases: no DateTime64 (sub-second times are
-- UInt64 epoch millis), no LowCardinality, no Nullable in sorting keys.
CREATE DATABASE IF NOT EXISTS piam;

-- Every column of the spec's cg_access_event -> fact mapping, plus pipeline metadata.
-- ReplacingMergeTree(version): a replayed change converges to one row per event_id under FINAL.
-- tenant_id and the month of event_time are treated as immutable (they are in key/partition).
CREATE TABLE IF NOT EXISTS piam.fact_access_events (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(event_time)
ORDER BY (tenant_id, event_id);

-- Health rows are keyed by (tenant, connector, check time to the millisecond).
CREATE TABLE IF NOT EXISTS piam.fact_connector_health (
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
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(check_time)
ORDER BY (tenant_id, connector_id, check_time, check_time_ms);

-- Converged views: one row per key, deletes hidden. Counts the project reports read these.
CREATE VIEW IF NOT EXISTS piam.access_events_current AS
  SELECT * FROM piam.fact_access_events FINAL WHERE is_deleted = 0;
CREATE VIEW IF NOT EXISTS piam.connector_health_current AS
  SELECT * FROM piam.fact_connector_health FINAL WHERE is_deleted = 0;

-- Dimensions (ReplacingMergeTree so a repeated seed converges instead of doubling).
CREATE TABLE IF NOT EXISTS piam.dim_tenant (
  tenant_id String, tenant_name String, industry String, timezone String
) ENGINE = ReplacingMergeTree() ORDER BY tenant_id;

CREATE TABLE IF NOT EXISTS piam.dim_connector (
  tenant_id String, connector_id String, connector_name String,
  pacs_type Enum8('LENEL' = 1, 'CCURE' = 2, 'S2' = 3, 'GENETEC' = 4),
  pacs_version String, endpoint_url String
) ENGINE = ReplacingMergeTree() ORDER BY (tenant_id, connector_id);

CREATE TABLE IF NOT EXISTS piam.dim_site (
  tenant_id String, site_id String, site_name String, city String, connector_id String
) ENGINE = ReplacingMergeTree() ORDER BY (tenant_id, site_id);

CREATE TABLE IF NOT EXISTS piam.dim_location (
  tenant_id String, site_id String, location_id String, location_name String,
  location_type String, is_restricted UInt8
) ENGINE = ReplacingMergeTree() ORDER BY (tenant_id, site_id, location_id);

CREATE TABLE IF NOT EXISTS piam.dim_person (
  tenant_id String, person_id String, badge_id String, first_name String, last_name String,
  department String, person_type String, badge_status String
) ENGINE = ReplacingMergeTree() ORDER BY (tenant_id, person_id);
