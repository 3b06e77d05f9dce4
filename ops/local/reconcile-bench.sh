#!/usr/bin/env bash
# How long reconciliation takes on a large table: fills cloudgate_bench.cg_access_event (MariaDB, kept out
# of the binlog so the capture never sees it) and piam_bench.fact_access_events (ClickHouse) with the same
# BENCH_ROWS rows (default 5,000,000; 300 a second back from now, like the demo at its CHAOS_RATE), then
# times the verifier's pass (the last RECONCILE_LOOKBACK_MINUTES) and a make reconcile of the whole table,
# balanced and with one row deleted in ClickHouse. Prints the figures; the pipeline's own databases are not
# touched. Needs the local stack (make stack-up) and the jar (make build).
set -euo pipefail
# shellcheck source=ops/local/bench-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
bench_env reconcile-bench 5000000 1000
STEP_MS=$((1000 / 300)) # 300 rows a second
NOW_MS=$(( $(date +%s) * 1000 - 60000 )) # the newest row a minute ago: every window is closed
SPAN_S=$(( ROWS * STEP_MS / 1000 ))
echo "reconcile-bench: $ROWS rows, one every ${STEP_MS} ms, spanning $((SPAN_S / 3600)) h $((SPAN_S % 3600 / 60)) min up to a minute ago"

t0=$(date +%s%3N)
"${MARIADB[@]}" <<SQL
SET SESSION sql_log_bin = 0;
CREATE DATABASE IF NOT EXISTS cloudgate_bench CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
DROP TABLE IF EXISTS cloudgate_bench.cg_access_event, cloudgate_bench.cg_connector_health;
CREATE TABLE cloudgate_bench.cg_access_event LIKE cloudgate.cg_access_event;
CREATE TABLE cloudgate_bench.cg_connector_health LIKE cloudgate.cg_connector_health;
USE cloudgate_bench;
INSERT INTO cloudgate_bench.cg_access_event (event_id, tenant_id, event_time, person_id, badge_id, site_id, location_id,
  direction, result, event_type, deny_reason, deny_code, pacs_source, pacs_event_id, raw_payload, suspicious_flag,
  suspicious_reason, suspicious_score)
SELECT CONCAT('bench-', seq), IF(seq % 2 = 0, 'acme', 'buildright'),
  FROM_UNIXTIME(($NOW_MS - seq * $STEP_MS) / 1000), IF(seq % 7 = 0, NULL, CONCAT('person-', seq % 5000)),
  CONCAT('badge-', seq % 5000), CONCAT('site-', seq % 4), CONCAT('door-', seq % 40), IF(seq % 2 = 0, 'IN', 'OUT'),
  IF(seq % 10 = 0, 'DENY', 'GRANT'), 'ACCESS', IF(seq % 10 = 0, 'expired badge', NULL), IF(seq % 10 = 0, 'E17', NULL),
  ELT(1 + seq % 4, 'LENEL', 'CCURE', 'S2', 'GENETEC'), CONCAT('pacs-', seq),
  CONCAT('{"reader":"door-', seq % 40, '","seq":', seq, ',"firmware":"4.2.1","signal":-61,"note":"bench row padded to a typical payload size"}'),
  IF(seq % 50 = 0, 1, 0), IF(seq % 50 = 0, 'tailgating', NULL), (seq % 100) / 100
FROM seq_1_to_$ROWS;
GRANT SELECT ON cloudgate_bench.* TO 'cg_monitor'@'%';
SQL
t1=$(date +%s%3N)
echo "reconcile-bench: MariaDB filled in $(( (t1 - t0) / 1000 )) s"

"${CH[@]}" --multiquery <<SQL
CREATE DATABASE IF NOT EXISTS piam_bench;
DROP TABLE IF EXISTS piam_bench.fact_access_events;
DROP TABLE IF EXISTS piam_bench.fact_connector_health;
CREATE TABLE piam_bench.fact_access_events AS piam.fact_access_events;
CREATE TABLE piam_bench.fact_connector_health AS piam.fact_connector_health;
INSERT INTO piam_bench.fact_access_events
SELECT concat('bench-', toString(seq)), if(seq % 2 = 0, 'acme', 'buildright'), toDateTime(intDiv(ms, 1000)),
  if(seq % 7 = 0, NULL, concat('person-', toString(seq % 5000))), concat('badge-', toString(seq % 5000)),
  concat('site-', toString(seq % 4)), concat('door-', toString(seq % 40)), if(seq % 2 = 0, 'IN', 'OUT'),
  if(seq % 10 = 0, 'DENY', 'GRANT'), 'ACCESS', if(seq % 10 = 0, 'expired badge', NULL), if(seq % 10 = 0, 'E17', NULL),
  ['LENEL', 'CCURE', 'S2', 'GENETEC'][1 + seq % 4], concat('pacs-', toString(seq)),
  concat('{"reader":"door-', toString(seq % 40), '","seq":', toString(seq), ',"firmware":"4.2.1","signal":-61,"note":"bench row padded to a typical payload size"}'),
  if(seq % 50 = 0, 1, 0), if(seq % 50 = 0, 'tailgating', NULL), (seq % 100) / 100,
  ms, ms, ms, 'c', 0, bitShiftLeft(toUInt64(1), 62) + seq
FROM (SELECT number + 1 AS seq, toUInt64($NOW_MS - (number + 1) * $STEP_MS) AS ms FROM system.numbers LIMIT $ROWS);
OPTIMIZE TABLE piam_bench.fact_access_events FINAL;
SQL
t2=$(date +%s%3N)
echo "reconcile-bench: ClickHouse filled in $(( (t2 - t1) / 1000 )) s"

reconcile() { # SINCE UNTIL
  env MYSQL_DATABASE=cloudgate_bench CLICKHOUSE_DATABASE=piam_bench TENANTS=acme,buildright \
    CLICKHOUSE_READER_USER=piam_admin CLICKHOUSE_READER_PASSWORD="$CLICKHOUSE_ADMIN_PASSWORD" SINCE="$1" UNTIL="$2" \
    java -cp "$ROOT/target/piam-cdc.jar" com.piam.cdc.tools.ReconcileCommand 2>/dev/null
}
timed() { # label SINCE UNTIL
  local s e out rc=0
  s=$(date +%s%3N); out=$(reconcile "$2" "$3") || rc=$?; e=$(date +%s%3N)
  printf '  %-58s %6.1f s  exit %d  %s\n' "$1" "$(echo "($e - $s) / 1000" | bc -l)" "$rc" "$(tail -n 1 <<<"$out")"
}
LOOKBACK="${RECONCILE_LOOKBACK_MINUTES:-30}"
echo "reconcile-bench: timings (JVM start included, about 0.7 s):"
timed "pass over the last $LOOKBACK minutes (what the verifier does)" "-${LOOKBACK}m" "-1m"
timed "the whole table ($ROWS rows)" "-$(( SPAN_S / 60 + 5 ))m" "-0m"
"${CH[@]}" --query "ALTER TABLE piam_bench.fact_access_events DELETE WHERE event_id = 'bench-1000'"
for _ in $(seq 1 120); do
  [[ "$("${CH[@]}" --query "SELECT count() FROM system.mutations WHERE database = 'piam_bench' AND is_done = 0")" == 0 ]] && break
  sleep 1
done
timed "the last $LOOKBACK minutes, one row deleted in ClickHouse" "-${LOOKBACK}m" "-0m"
echo "reconcile-bench: drop the bench databases with: mariadb -e 'DROP DATABASE cloudgate_bench' and clickhouse-client -q 'DROP DATABASE piam_bench'"
