#!/usr/bin/env bash
# The PIAM runtime as a background process on the local stack: start | stop | status | wait-rows.
# PID and log live under the data folder (.local/run/runtime.pid, .local/logs/runtime.log).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$(realpath -m "${PIAM_DATA_DIR:-$ROOT/.local}")" # absolute: the pid check finds it in the command line
PID_FILE="$DATA/run/runtime.pid"
LOG_FILE="$DATA/logs/runtime.log"
JAR="$ROOT/target/piam-cdc.jar"
# JVM options: ops/runtime.jvm (small heap, serial GC, C1 only; 300 MB RSS budget); JAVA_OPTS replaces them
JAVA_OPTS="${JAVA_OPTS:-@$ROOT/ops/runtime.jvm}"
CH_READER=(clickhouse-client --config-file="$DATA/clickhouse/client-reader.xml") # written by stack.sh up
# shellcheck source=ops/local/credentials.sh
source "$ROOT/ops/local/credentials.sh"

# A pid file can outlive its process and the pid be reused: only a live process whose command line is
# this jar started for this data folder is ours, so `stop` never signals a stranger.
running() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid cmd; pid="$(cat "$PID_FILE")"
  kill -0 "$pid" 2>/dev/null || return 1
  cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"-DPIAM_DATA_DIR=$DATA "* && "$cmd" == *"-jar $JAR"* ]]
}

start() {
  if running; then echo "runtime: already running (pid $(cat "$PID_FILE"), log $LOG_FILE)"; return 0; fi
  [[ -f "$JAR" ]] || { echo "runtime: $JAR is missing; run 'mvn -q package -DskipTests' first" >&2; exit 1; }
  if [[ -f "$PID_FILE" ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    echo "runtime: $PID_FILE names pid $(cat "$PID_FILE"), which is not this runtime; leaving it alone and starting anew" >&2
  fi
  mkdir -p "$DATA/run" "$DATA/logs"
  # the same passwords the stack's users were given (.env over .env.example, or the environment)
  piam_credentials "$ROOT" || exit 1
  # capture offsets and schema history live under the same data folder as the stack (a -D setting,
  # so that the pid check can tell this runtime by its command line)
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  # the runtime gets its own users' passwords only, never the admins'
  nohup setsid env -u CLICKHOUSE_ADMIN_PASSWORD -u CLICKHOUSE_ADMIN_PASSWORD_FILE -u MYSQL_ROOT_PASSWORD -u MYSQL_ROOT_PASSWORD_FILE \
    java $JAVA_OPTS "-DPIAM_DATA_DIR=$DATA" -jar "$JAR" >>"$LOG_FILE" 2>&1 </dev/null &
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
  *) echo "usage: $0 start|stop|status|wait-rows <since-epoch-ms> [timeout-s]" >&2; exit 64 ;;
esac
