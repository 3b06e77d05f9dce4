#!/usr/bin/env bash
# The PIAM runtime as a background process on the local stack: start | stop | status | wait-rows, and
# stop-all | status-all for every runtime started here.
# PID and log live under the data folder (.local/run/runtime.pid, .local/logs/runtime.log).
# RUNTIME_ID=<n> (1-9): one of several runtimes sharing the pipeline (RUNTIMES=3 make demo): CAPTURE_LEASE=true,
# its own data folder (.local/runtimes/<n>), management port MANAGEMENT_PORT+n-1 (and JMX_PORT+n-1 when set),
# RUNTIME_NAME runtime-<n>, pid and log .local/run/runtime-<n>.pid, .local/logs/runtime-<n>.log.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$(realpath -m "${PIAM_DATA_DIR:-$ROOT/.local}")" # absolute: the pid check finds it in the command line
ID="${RUNTIME_ID:-}"
if [[ -n "$ID" ]]; then
  [[ "$ID" =~ ^[1-9]$ ]] || { echo "runtime: RUNTIME_ID='$ID' must be 1 to 9" >&2; exit 64; }
  PID_FILE="$DATA/run/runtime-$ID.pid"
  LOG_FILE="$DATA/logs/runtime-$ID.log"
  RUNTIME_DATA="$DATA/runtimes/$ID"
  export CAPTURE_LEASE=true RUNTIME_NAME="${RUNTIME_NAME:-runtime-$ID}"
  export MANAGEMENT_PORT=$(( ${MANAGEMENT_PORT:-9876} + ID - 1 ))
  if [[ -n "${JMX_PORT:-}" ]]; then export JMX_PORT=$(( JMX_PORT + ID - 1 )); fi
else
  PID_FILE="$DATA/run/runtime.pid"
  LOG_FILE="$DATA/logs/runtime.log"
  RUNTIME_DATA="$DATA"
fi
JAR="$ROOT/target/piam-cdc.jar"
# JVM options: ops/runtime.jvm (small heap, serial GC, C1 only; 300 MB RSS budget); JAVA_OPTS replaces them
JAVA_OPTS="${JAVA_OPTS:-@$ROOT/ops/runtime.jvm}"
CH_READER=(clickhouse-client --config-file="$DATA/clickhouse/client-reader.xml") # written by stack.sh up
# shellcheck source=ops/local/credentials.sh
source "$ROOT/ops/local/credentials.sh"
# shellcheck source=ops/local/secure-env.sh
source "$ROOT/ops/local/secure-env.sh"

# A pid file can outlive its process and the pid be reused: only a live process whose command line is
# this jar started for this data folder is ours, so `stop` never signals a stranger.
running() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid cmd; pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"-DPIAM_DATA_DIR=$RUNTIME_DATA "* && "$cmd" == *"-jar $JAR"* ]]
}

start() {
  if running; then echo "runtime: already running (pid $(cat "$PID_FILE"), log $LOG_FILE)"; return 0; fi
  [[ -f "$JAR" ]] || { echo "runtime: $JAR is missing; run 'mvn -q package -DskipTests' first" >&2; exit 1; }
  if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "runtime: $PID_FILE names pid $(cat "$PID_FILE"), which is not this runtime; leaving it alone and starting anew" >&2
  fi
  mkdir -p "$DATA/run" "$DATA/logs" "$RUNTIME_DATA"
  # the same passwords the stack's users were given (.env over .env.example, or the environment)
  piam_credentials "$ROOT" || exit 1
  # STACK_SECURE=true (the stack's CA, MariaDB TLS, ClickHouse HTTPS, Kafka SASL_SSL): every connection of the
  # runtime encrypted with the certificates checked, by settings alone (ops/local/secure-env.sh)
  piam_secure_env "$DATA" || exit 1
  # capture offsets and schema history live under the same data folder as the stack (a -D setting,
  # so that the pid check can tell this runtime by its command line)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  # the runtime gets its own users' passwords only, never the admins'
  # MALLOC_ARENA_MAX=2: glibc's malloc keeps up to 8 arenas per core for the JVM's many threads (ops/runtime.jvm)
  nohup setsid env -u CLICKHOUSE_ADMIN_PASSWORD -u CLICKHOUSE_ADMIN_PASSWORD_FILE -u MYSQL_ROOT_PASSWORD -u MYSQL_ROOT_PASSWORD_FILE \
    MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java $JAVA_OPTS "-DPIAM_DATA_DIR=$RUNTIME_DATA" -jar "$JAR" >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  sleep 1
  if ! running; then
    echo "runtime: exited at start; last lines of $LOG_FILE:" >&2; tail -n 5 "$LOG_FILE" >&2; exit 1
  fi
  echo "runtime${ID:+ $ID}: started (pid $(cat "$PID_FILE"), INGEST_MODE=${INGEST_MODE:-cdc}${ID:+, CAPTURE_LEASE=true, port $MANAGEMENT_PORT}), log $LOG_FILE"
}

stop() {
  if ! running; then echo "runtime: not running"; rm -f "$PID_FILE"; return 0; fi
  local pid; pid="$(cat "$PID_FILE")"
  kill -TERM "$pid"
  # graceful: generators stop first, loaders flush what they hold (up to camel.main.shutdown-timeout)
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  if kill -0 "$pid" 2>/dev/null; then echo "runtime: still up after 40 s, killing"; kill -KILL "$pid"; fi
  rm -f "$PID_FILE"
  echo "runtime: stopped"
}

status() {
  if running; then
    local pid rss role=""; pid="$(cat "$PID_FILE")"
    rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status")
    if [[ -n "$ID" ]]; then role="  $(lease_role)"; fi
    echo "runtime${ID:+-$ID}  running  pid $pid  rss ${rss} MB${ID:+  port $MANAGEMENT_PORT}${role}  log $LOG_FILE"
  else
    echo "runtime${ID:+-$ID}  stopped"; return 3
  fi
}

# What the runtime's own verifier says about the capture lease: "capturing since …" or "standby (… captures)".
lease_role() {
  local json lease capturing
  json="$(curl -s --max-time 3 "http://127.0.0.1:$MANAGEMENT_PORT/observe/pipeline" 2>/dev/null)" || { echo "(not answering yet)"; return; }
  lease="$(sed -n 's/.*"lease" *: *"\([^"]*\)".*/\1/p' <<<"$json")"
  capturing="$(sed -n 's/.*"capturing" *: *"\([^"]*\)".*/\1/p' <<<"$json")"
  case "$lease" in
    "held here since "*) echo "CAPTURING since ${lease#held here since }" ;;
    standby) echo "standby (${capturing:-?} captures)" ;;
    *) echo "(lease not known yet)" ;;
  esac
}

# Every runtime started from this folder: the single one and RUNTIME_ID 1-9.
each() {
  local action="$1" rc=0 f id found=""
  if [[ -f "$DATA/run/runtime.pid" ]]; then found=1; RUNTIME_ID='' "$0" "$action" || rc=$?; fi
  for f in "$DATA"/run/runtime-[1-9].pid; do
    [[ -e "$f" ]] || continue
    id="${f##*/runtime-}"; id="${id%.pid}"; found=1
    RUNTIME_ID="$id" "$0" "$action" || rc=$?
  done
  if [[ -z "$found" ]]; then RUNTIME_ID='' "$0" "$action" || rc=$?; fi
  return "$rc"
}

# Waits until ClickHouse holds access events ingested after the given epoch millis.
wait_rows() {
  local since="$1" timeout="${2:-60}" n=0
  [[ "$since" =~ ^[0-9]+$ && "$timeout" =~ ^[0-9]+$ ]] || { echo "runtime: wait-rows takes epoch millis and seconds" >&2; return 64; }
  for _ in $(seq 1 "$timeout"); do
    n=$(sed "s/SINCE_MS/$since/" "$ROOT/ops/clickhouse-ops/rows-since.sql" | "${CH_READER[@]}" 2>/dev/null || echo 0)
    if [[ "$n" -gt 0 ]]; then echo "runtime: rows are arriving in ClickHouse ($n access events so far)"; return 0; fi
    running || { echo "runtime: exited; last lines of $LOG_FILE:" >&2; tail -n 20 "$LOG_FILE" >&2; return 1; }
    sleep 1
  done
  echo "runtime: no rows in ClickHouse after ${timeout} s; see $LOG_FILE" >&2
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  wait-rows) wait_rows "${2:?epoch millis}" "${3:-60}" ;;
  stop-all) each stop ;;
  status-all) each status ;;
  *) echo "usage: [RUNTIME_ID=n] $0 start|stop|status|wait-rows <since-epoch-ms> [timeout-s] | stop-all | status-all" >&2; exit 64 ;;
esac
