#!/usr/bin/env bash
# The local stack without Docker: MariaDB 10.11, ClickHouse (Debian's 18.16) and a single-node
# KRaft Kafka broker from Maven jars, each a plain process on 127.0.0.1 with data under one
# git-ignored folder (.local/ or $PIAM_DATA_DIR).
#
#   ops/local/stack.sh up|down|status|reset|logs [mysql|clickhouse|kafka]   (no name: all three)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="${PIAM_DATA_DIR:-$ROOT/.local}"
RUN="$DATA/run"
LOGS="$DATA/logs"
MYSQL_PORT="${MYSQL_PORT:-3306}"
CLICKHOUSE_PORT="${CLICKHOUSE_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
# Must match the kafka-clients that camel-kafka 4.18.0 uses.
KAFKA_VERSION="3.9.1"
PACKAGES=(mariadb-server mariadb-client clickhouse-server clickhouse-client)
MYSQL_SOCK="$RUN/mysql.sock"

say() { printf '%s\n' "$*"; }
die() { printf '%s\n' "$*" >&2; exit 1; }

# ---------- processes and ports ----------

pid_of() { [[ -f "$RUN/$1.pid" ]] && cat "$RUN/$1.pid" || true; }
alive() { local p; p="$(pid_of "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Fails naming the service and the holder when a port is taken by a process that is not ours.
check_port_free() {
  local svc="$1" port="$2" holder
  port_open "$port" || return 0
  holder="$(ss -ltnpH "sport = :$port" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 |
    sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/pid \2 '"'"'\1'"'"'/')"
  die "$svc: port $port is held by another process (${holder:-unknown process}); stop it or set another port (see ops/local/stack.sh header)"
}

wait_for() { # name seconds command...
  local name="$1" secs="$2"; shift 2
  for _ in $(seq 1 $((secs * 4))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    alive "$name" || die "$name: exited during start-up; see $LOGS/$name.log (ops/local/stack.sh logs $name)"
    sleep 0.25
  done
  die "$name: not answering after ${secs} s; see $LOGS/$name.log"
}

stop_pid() { # name
  local name="$1" pid
  pid="$(pid_of "$name")"
  if ! alive "$name"; then rm -f "$RUN/$name.pid"; say "$name: not running"; return 0; fi
  kill -TERM "$pid"
  for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; say "$name: killed after 20 s"; fi
  rm -f "$RUN/$name.pid"
  say "$name: stopped"
}

start_bg() { # name command... (the command's own PID is recorded: it execs the server)
  local name="$1"; shift
  nohup setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# ---------- packages ----------

ensure_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then die "missing packages: ${missing[*]}; run: sudo $cmd"; fi
  say "installing ${missing[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  $cmd >"$DATA/apt.log" 2>&1 || { apt-get update >>"$DATA/apt.log" 2>&1 && $cmd >>"$DATA/apt.log" 2>&1; } ||
    die "apt-get failed; see $DATA/apt.log"
}

# ---------- MariaDB ----------

mysql_root() { mariadb --no-defaults --socket="$MYSQL_SOCK" -uroot "$@"; }

mysql_up() {
  if alive mysql; then say "mysql: already running (pid $(pid_of mysql), port $MYSQL_PORT)"; return 0; fi
  check_port_free mysql "$MYSQL_PORT"
  local dir="$DATA/mysql"
  if [[ ! -d "$dir/mysql" ]]; then
    mkdir -p "$dir"
    mariadb-install-db --no-defaults --datadir="$dir" --user=root --auth-root-authentication-method=normal \
      --skip-test-db >"$LOGS/mysql-init.log" 2>&1 || die "mysql: datadir init failed; see $LOGS/mysql-init.log"
  fi
  # binlog ROW + FULL row image + server id: what Debezium needs; UTC so DATETIME means UTC.
  start_bg mysql mariadbd --no-defaults --user=root --datadir="$dir" --bind-address=127.0.0.1 \
    --port="$MYSQL_PORT" --socket="$MYSQL_SOCK" --pid-file="$RUN/mariadbd.pid" --log-error="$LOGS/mysql.log" \
    --server-id=1 --log-bin="$dir/mariadb-bin" --binlog-format=ROW --binlog-row-image=FULL \
    --expire-logs-days=1 --skip-name-resolve --innodb-buffer-pool-size=64M --default-time-zone=+00:00 \
    --max-connections=50
  wait_for mysql 30 mariadb-admin --no-defaults --socket="$MYSQL_SOCK" -uroot ping
  for f in "$ROOT"/ops/mysql-init/*.sql; do
    mysql_root <"$f" || die "mysql: applying $f failed"
  done
  say "mysql: started (pid $(pid_of mysql), port $MYSQL_PORT), init SQL applied"
}

# ---------- ClickHouse ----------

clickhouse_config() {
  local dir="$DATA/clickhouse"
  mkdir -p "$dir/data" "$dir/tmp"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$LOGS/clickhouse.log</log><errorlog>$LOGS/clickhouse.err.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CLICKHOUSE_PORT</http_port>
  <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
  <timezone>UTC</timezone>
</yandex>
XML
  cat >"$dir/users.xml" <<'XML'
<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>1000000000</max_memory_usage></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
}

ch_client() { clickhouse-client --host 127.0.0.1 --port "$CLICKHOUSE_TCP_PORT" "$@"; }

clickhouse_up() {
  if alive clickhouse; then say "clickhouse: already running (pid $(pid_of clickhouse), ports $CLICKHOUSE_PORT/$CLICKHOUSE_TCP_PORT)"; return 0; fi
  check_port_free clickhouse "$CLICKHOUSE_PORT"
  check_port_free clickhouse "$CLICKHOUSE_TCP_PORT"
  clickhouse_config
  start_bg clickhouse clickhouse-server --config-file="$DATA/clickhouse/config.xml"
  wait_for clickhouse 30 ch_client -q "SELECT 1"
  for f in "$ROOT"/ops/clickhouse-init/*.sql; do
    ch_client --multiquery <"$f" || die "clickhouse: applying $f failed"
  done
  say "clickhouse: started (pid $(pid_of clickhouse), ports $CLICKHOUSE_PORT/$CLICKHOUSE_TCP_PORT), init SQL applied"
}

# ---------- Kafka (KRaft, broker + controller in one JVM) ----------

kafka_classpath() {
  local dir="$DATA/kafka/resolve" cp="$DATA/kafka/classpath.txt"
  if [[ -s "$cp" ]]; then cat "$cp"; return 0; fi
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<XML
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.piam</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
XML
  mvn -B -q -f "$dir/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp" >"$LOGS/kafka-resolve.log" 2>&1 ||
    die "kafka: resolving kafka_2.13:$KAFKA_VERSION with Maven failed; see $LOGS/kafka-resolve.log"
  cat "$cp"
}

kafka_up() {
  if alive kafka; then say "kafka: already running (pid $(pid_of kafka), port $KAFKA_PORT)"; return 0; fi
  check_port_free kafka "$KAFKA_PORT"
  check_port_free kafka "$KAFKA_CONTROLLER_PORT"
  local dir="$DATA/kafka" cp
  mkdir -p "$dir"
  cp="$(kafka_classpath)"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# the default 128 MB dedupe buffer does not fit the small heap
log.cleaner.dedupe.buffer.size=8388608
log.retention.hours=24
PROPS
  cat >"$dir/log4j.properties" <<PROPS
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$LOGS/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
PROPS
  if [[ ! -f "$dir/data/meta.properties" ]]; then
    java -cp "$cp" -Dlog4j.configuration="file:$dir/log4j.properties" kafka.tools.StorageTool format \
      -t "$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$dir/server.properties" >>"$LOGS/kafka.log" 2>&1 || die "kafka: storage format failed; see $LOGS/kafka.log"
  fi
  start_bg kafka java -Xms64m -Xmx128m -XX:+UseSerialGC -Dlog4j.configuration="file:$dir/log4j.properties" \
    -cp "$cp" kafka.Kafka "$dir/server.properties"
  wait_for kafka 60 kafka_ready
  say "kafka: started (pid $(pid_of kafka), port $KAFKA_PORT)"
}

kafka_ready() { port_open "$KAFKA_PORT" && grep -q "Kafka Server started" "$LOGS/kafka.log"; }

# ---------- actions ----------

services() { if [[ -n "${1:-}" ]]; then echo "$1"; else echo "mysql clickhouse kafka"; fi; }
valid() { case "$1" in mysql|clickhouse|kafka) ;; *) die "unknown service '$1': use mysql, clickhouse or kafka";; esac; }

up() {
  mkdir -p "$RUN" "$LOGS"
  ensure_packages
  for s in $(services "${1:-}"); do "${s}_up"; done
}

down() {
  local list; list="$(services "${1:-}")"
  for s in kafka clickhouse mysql; do [[ " $list " == *" $s "* ]] && stop_pid "$s"; done
  return 0
}

rss_mb() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

status() {
  local rc=0 ports
  for s in $(services "${1:-}"); do
    case "$s" in
      mysql) ports="$MYSQL_PORT" ;;
      clickhouse) ports="$CLICKHOUSE_PORT/$CLICKHOUSE_TCP_PORT" ;;
      kafka) ports="$KAFKA_PORT/$KAFKA_CONTROLLER_PORT" ;;
    esac
    if alive "$s"; then
      printf '%-10s running  pid %-7s port %-10s rss %s MB\n' "$s" "$(pid_of "$s")" "$ports" "$(rss_mb "$(pid_of "$s")")"
    else
      printf '%-10s stopped           port %s\n' "$s" "$ports"; rc=3
    fi
  done
  return $rc
}

reset() {
  down "${1:-}"
  for s in $(services "${1:-}"); do
    case "$s" in
      kafka) rm -rf "$DATA/kafka/data" ;; # keeps the resolved classpath
      *) rm -rf "${DATA:?}/$s" ;;
    esac
    say "$s: data wiped"
  done
  say "run 'ops/local/stack.sh up' to start fresh"
}

logs() {
  for s in $(services "${1:-}"); do
    say "==> $LOGS/$s.log <=="
    if [[ "${FOLLOW:-0}" == 1 ]]; then tail -n 50 -f "$LOGS/$s.log"; else tail -n 50 "$LOGS/$s.log" 2>/dev/null || true; fi
  done
}

action="${1:-}"; svc="${2:-}"
[[ -n "$svc" ]] && valid "$svc"
case "$action" in
  up) up "$svc"; status "$svc" ;;
  down) down "$svc" ;;
  status) status "$svc" ;;
  reset) reset "$svc" ;;
  logs) logs "$svc" ;;
  *) die "usage: $0 up|down|status|reset|logs [mysql|clickhouse|kafka]" ;;
esac
