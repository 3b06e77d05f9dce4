#!/usr/bin/env bash
# How long the live view's PIAM panels take on a large fact table: fills piam_bench.fact_access_events
# (ClickHouse only) with BENCH_ROWS rows (default 10,000,000) spread over the last 30 days, the newest
# 1,080,000 at ~330 a second up to now, feeds the hourly rollup through a materialized view as piam does, copies the connectors,
# and times each panel query (LiveViewBench: best of five). Needs the local stack and the jar (make build).
set -euo pipefail
# shellcheck source=ops/local/bench-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
bench_env live-view-bench 10000000 1080000
HOUR=1080000 # the last hour: 300 a second
OLDER=$((ROWS - HOUR))
NOW_MS=$(( $(date +%s) * 1000 ))
echo "live-view-bench: $ROWS rows: $HOUR in the last hour, $OLDER over the 30 days before"
t0=$(date +%s)
"${CH[@]}" --multiquery <<SQL
CREATE DATABASE IF NOT EXISTS piam_bench;
DROP TABLE IF EXISTS piam_bench.mv_access_hourly;
DROP TABLE IF EXISTS piam_bench.fact_access_events;
DROP TABLE IF EXISTS piam_bench.rollup_access_hourly;
DROP TABLE IF EXISTS piam_bench.rollup_connector_latest;
DROP TABLE IF EXISTS piam_bench.dim_connector;
CREATE TABLE piam_bench.fact_access_events AS piam.fact_access_events;
CREATE TABLE piam_bench.rollup_access_hourly AS piam.rollup_access_hourly;
CREATE TABLE piam_bench.rollup_connector_latest AS piam.rollup_connector_latest;
CREATE TABLE piam_bench.dim_connector AS piam.dim_connector;
INSERT INTO piam_bench.rollup_connector_latest SELECT * FROM piam.rollup_connector_latest;
INSERT INTO piam_bench.dim_connector SELECT * FROM piam.dim_connector;
CREATE MATERIALIZED VIEW piam_bench.mv_access_hourly TO piam_bench.rollup_access_hourly AS
SELECT toStartOfHour(event_time) AS hour, tenant_id, site_id, result, uniqExactState(event_id) AS events,
       uniqExactIfState(event_id, suspicious_flag) AS suspicious
FROM piam_bench.fact_access_events WHERE is_deleted = 0 GROUP BY hour, tenant_id, site_id, result;
SQL
fill() { # count, first ms, step ms, id offset
  "${CH[@]}" --query "INSERT INTO piam_bench.fact_access_events
SELECT concat('bench-', toString(n)), if(n % 2 = 0, 'acme', 'buildright'), toDateTime(intDiv(ms, 1000)),
  concat('person-', toString(n % 5000)), concat('badge-', toString(n % 5000)), concat('site-', toString(n % 4)),
  concat('door-', toString(n % 40)), if(n % 2 = 0, 'IN', 'OUT'), if(n % 10 = 0, 'DENY', 'GRANT'), 'ACCESS',
  if(n % 10 = 0, ['expired badge', 'no entitlement', 'antipassback', 'schedule'][1 + intDiv(n, 10) % 4], NULL),
  if(n % 10 = 0, 'E17', NULL), ['LENEL', 'CCURE', 'S2', 'GENETEC'][1 + n % 4], concat('pacs-', toString(n)),
  concat('{\"reader\":\"door-', toString(n % 40), '\",\"seq\":', toString(n), ',\"firmware\":\"4.2.1\",\"note\":\"bench row\"}'),
  if(n % 50 = 0, 1, 0), if(n % 50 = 0, 'tailgating', NULL), (n % 100) / 100, ms, ms, ms, 'c', 0, bitShiftLeft(toUInt64(1), 62) + n
FROM (SELECT number + $4 AS n, toUInt64($2 + number * $3) AS ms FROM system.numbers LIMIT $1)"
}
# in pieces of 200,000 rows: an insert block and the rollup view's grouping stay within 18.16's 1 GB per query
pieces() { # count, first ms, step ms, id offset
  local done n
  for ((done = 0; done < $1; done += 200000)); do
    n=$(( $1 - done < 200000 ? $1 - done : 200000 ))
    fill "$n" $(( $2 + done * $3 )) "$3" $(( $4 + done ))
  done
}
pieces "$OLDER" $((NOW_MS - 30 * 86400000)) $(( (30 * 86400000 - 3600000) / OLDER )) 0
# the newest rows end now (a row every 3 ms: the last 54 minutes), so the panels' last-minutes queries find rows
pieces "$HOUR" $((NOW_MS - HOUR * 3)) 3 "$OLDER"
echo "live-view-bench: filled in $(( $(date +%s) - t0 )) s; $("${CH[@]}" --query "SELECT count() FROM piam_bench.fact_access_events") rows"
echo "live-view-bench: each panel query, best of five (ClickHouse $("${CH[@]}" --query "SELECT version()")):"
env CLICKHOUSE_DATABASE=piam_bench TENANTS=acme,buildright CLICKHOUSE_READER_USER=piam_admin \
  CLICKHOUSE_READER_PASSWORD="$CLICKHOUSE_ADMIN_PASSWORD" java -cp "$ROOT/target/piam-cdc.jar" com.piam.cdc.tools.LiveViewBench 2>/dev/null
echo "live-view-bench: drop it with: clickhouse-client -q 'DROP DATABASE piam_bench'"
