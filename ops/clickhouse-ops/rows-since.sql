-- ops/local/runtime.sh wait-rows: access events ingested since SINCE_MS (epoch millis, filled in by the script).
SELECT count() FROM piam.fact_access_events WHERE ingest_ts_ms >= SINCE_MS;
