#!/usr/bin/env bash
# A first start on an existing installation, measured: fills cloudgate_snap.cg_access_event (MariaDB, kept out of
# the binlog: rows that were there before the pipeline) with BENCH_ROWS rows (default 5,000,000), starts one runtime
# as a lease-mode capturer (CAPTURE_LEASE=true, a new topic prefix: no offsets) with the demo's JVM options, and while
# the first start's incremental snapshot reads, writes one fresh row every 5 s and times it into ClickHouse. Prints
# the snapshot's rows/s, the runtime's CPU per row, its largest RSS and the fresh rows' delays; then removes its
# database and its rows from ClickHouse. Needs the local stack (make stack-up) and the jar (make build); the demo
# runtime must not run (the same ClickHouse tables).
set -euo pipefail
# shellcheck source=ops/local/bench-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-env.sh"
bench_env snapshot-bench 5000000 1000
DB=cloudgate_snap
RUN="snap$(date +%s)"
PORT="${BENCH_MANAGEMENT_PORT:-27811}"
LOG="$DATA/logs/snapshot-bench.log"
mkdir -p "$DATA/logs"

cleanup() {
  [[ -n "${PID:-}" ]] && kill -9 "$PID" 2>/dev/null || true
  "${MARIADB[@]}" -e "DROP DATABASE IF EXISTS $DB" || true
  "${CH[@]}" -q "ALTER TABLE piam.fact_access_events DELETE WHERE event_id LIKE 'snap-%'" || true
}
trap cleanup EXIT

t0=$(date +%s%3N)
"${MARIADB[@]}" <<SQL
SET SESSION sql_log_bin = 0;
DROP DATABASE IF EXISTS $DB;
CREATE DATABASE $DB CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE TABLE $DB.cg_access_event LIKE cloudgate.cg_access_event;
CREATE TABLE $DB.cg_connector_health LIKE cloudgate.cg_connector_health;
USE $DB;
INSERT INTO $DB.cg_access_event (event_id, tenant_id, event_time, person_id, badge_id, site_id, location_id,
  direction, result, event_type, deny_reason, deny_code, pacs_source, pacs_event_id, raw_payload, suspicious_flag,
  suspicious_reason, suspicious_score)
SELECT CONCAT('snap-', seq), IF(seq % 2 = 0, 'acme', 'buildright'), NOW() - INTERVAL seq SECOND,
  CONCAT('person-', seq % 5000), CONCAT('badge-', seq % 5000), CONCAT('site-', seq % 4), CONCAT('door-', seq % 40),
  IF(seq % 2 = 0, 'IN', 'OUT'), IF(seq % 10 = 0, 'DENY', 'GRANT'), 'ACCESS', IF(seq % 10 = 0, 'expired badge', NULL),
  IF(seq % 10 = 0, 'E17', NULL), ELT(1 + seq % 4, 'LENEL', 'CCURE', 'S2', 'GENETEC'), CONCAT('pacs-', seq),
  CONCAT('{"reader":"door-', seq % 40, '","seq":', seq, ',"firmware":"4.2.1","signal":-61}'), 0, NULL, 0
FROM seq_1_to_$ROWS;
ANALYZE TABLE $DB.cg_access_event;
GRANT SELECT, INSERT ON $DB.* TO 'cg_generator'@'%';
GRANT SELECT ON $DB.* TO 'cg_monitor'@'%';
SQL
echo "snapshot-bench: $ROWS rows in $DB.cg_access_event (never in the binlog) in $(( ($(date +%s%3N) - t0) / 1000 )) s"

env MALLOC_ARENA_MAX=2 PIAM_DATA_DIR="$DATA" INGEST_MODE=cdc CAPTURE_LEASE=true RUNTIME_NAME=snap TOPIC_PREFIX="$RUN" KAFKA_GROUP_ID="$RUN" \
  MYSQL_DATABASE="$DB" MANAGEMENT_PORT="$PORT" EVENT_RATE_PER_SECOND=1 \
  java "@$ROOT/ops/runtime.jvm" -jar "$ROOT/target/piam-cdc.jar" >"$LOG" 2>&1 &
PID=$!
TICK=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$PID/stat"; }
rss() { awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$PID/status"; }
await_log() { # pattern seconds
  local end=$(( $(date +%s) + $2 ))
  until grep -q "$1" "$LOG"; do
    kill -0 "$PID" 2>/dev/null || { echo "snapshot-bench: the runtime ended; see $LOG" >&2; exit 1; }
    (( $(date +%s) < end )) || { echo "snapshot-bench: no '$1' within $2 s; see $LOG" >&2; exit 1; }
    sleep 1
  done
}
await_log "has begun" 120
begun=$(date +%s%3N); cpu0=$(cpu); max_rss=0; delays=(); n=0
echo "snapshot-bench: the first start's snapshot has begun; a fresh row every 5 s, RSS every 5 s"
while ! grep -q "snapshot of \[$DB.cg_access_event, $DB.cg_connector_health\] has finished" "$LOG"; do
  kill -0 "$PID" 2>/dev/null || { echo "snapshot-bench: the runtime ended; see $LOG" >&2; exit 1; }
  r=$(rss); (( r > max_rss )) && max_rss=$r
  id="snap-fresh-$n"; n=$((n + 1))
  "${MARIADB[@]}" "$DB" -e "INSERT INTO cg_access_event (event_id, tenant_id, event_time, badge_id, site_id, location_id,
    direction, result, event_type, pacs_source, pacs_event_id) VALUES ('$id', 'acme', NOW(3), 'b', 's', 'l', 'IN', 'GRANT',
    'ACCESS', 'LENEL', '$id')"
  w=$(date +%s%3N)
  until [[ "$("${CH[@]}" -q "SELECT count() FROM piam.fact_access_events WHERE event_id = '$id'")" == 1 ]]; do
    (( $(date +%s%3N) - w < 60000 )) || break
    sleep 0.2
  done
  delays+=("$(( $(date +%s%3N) - w ))")
  sleep 5
  [[ $(( n % 6 )) == 0 ]] && grep "SnapshotProgress" "$LOG" | tail -n 1 | sed 's/.*capture: /  /'
done
ended=$(date +%s%3N); cpu1=$(cpu)
read_rows=$(curl -s "http://127.0.0.1:$PORT/observe/metrics" | awk -F' ' '/^piam_capture_snapshot_rows_read\{table="cg_access_event"/ {print int($2)}')
secs=$(echo "($ended - $begun) / 1000" | bc -l)
await_log "verify-pipeline: " 5 || true
sorted=$(printf '%s\n' "${delays[@]}" | sort -n)
printf 'snapshot-bench: %d rows read in %.0f s: %.0f rows/s; CPU %.1f s = %.1f µs per row; RSS at most %d MB\n' \
  "$read_rows" "$secs" "$(echo "$read_rows / $secs" | bc -l)" "$(echo "($cpu1 - $cpu0) / $TICK" | bc -l)" \
  "$(echo "($cpu1 - $cpu0) / $TICK * 1000000 / $read_rows" | bc -l)" "$max_rss"
echo "snapshot-bench: ${#delays[@]} fresh rows during the snapshot, in ClickHouse after (ms): median $(sed -n "$(( (${#delays[@]} + 1) / 2 ))p" <<<"$sorted"), max $(tail -n 1 <<<"$sorted")"
