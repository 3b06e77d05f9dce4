#!/usr/bin/env bash
# The PIAM runtime as a background process on the local stack: start | stop | status | wait-rows.
# PID and log live under the data folder (.local/run/runtime.pid, .local/logs/runtime.log).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${PIAM_DATA_DIR:-$ROOT/.local}"
PID_FILE="$DATA/run/runtime.pid"
LOG_FILE="$DATA/logs/runtime.log"
JAR="$ROOT/target/piam-cdc.jar"
# JVM options: ops/runtime.jvm (small heap, serial GC, C1 only; 300 MB RSS budget); JAVA_OPTS replaces them
JAVA_OPTS="${JAVA_OPTS:-@$ROOT/ops/runtime.jvm}"
CH_TCP="${CLICKHOUSE_TCP_PORT:-9000}"

running() { [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

start() {
  if running; then echo "runtime: already running (pid $(cat "$PID_FILE"), log $LOG_FILE)"; return 0; fi
  [[ -f "$JAR" ]] || { echo "runtime: $JAR is missing; run 'mvn -q package -DskipTests' first" >&2; exit 1; }
  mkdir -p "$DATA/run" "$DATA/logs"
  # capture offsets and schema history live under the same data folder as the stack
  export PIAM_DATA_DIR="$DATA"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  nohup setsid java $JAVA_OPTS -jar "$JAR" >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  sleep 1
  if ! running; then
    echo "runtime: exited at start; last lines of $LOG_FILE:" >&2; tail -n 5 "$LOG_FILE" >&2; exit 1
  fi
  echo "runtime: started (pid $(cat "$PID_FILE"), INGEST_MODE=${INGEST_MODE:-cdc}), log $LOG_FILE"
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
    local pid rss; pid="$(cat "$PID_FILE")"
    rss=$(awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$pid/status")
    echo "runtime    running  pid $pid  rss ${rss} MB  log $LOG_FILE"
  else
    echo "runtime    stopped"; return 3
  fi
}

# Waits until ClickHouse holds access events ingested after the given epoch millis.
wait_rows() {
  local since="$1" timeout="${2:-60}" n=0
  for _ in $(seq 1 "$timeout"); do
    n=$(clickhouse-client --host 127.0.0.1 --port "$CH_TCP" -q \
      "SELECT count() FROM piam.fact_access_events WHERE ingest_ts_ms >= $since" 2>/dev/null || echo 0)
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
  *) echo "usage: $0 start|stop|status|wait-rows <since-epoch-ms> [timeout-s]" >&2; exit 64 ;;
esac
