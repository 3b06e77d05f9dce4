#!/usr/bin/env bash
# The local stack without Docker: MariaDB 10.11, ClickHouse (Debian's 18.16) and a single-node
# KRaft Kafka broker from Maven jars, each a plain process on 127.0.0.1 with its data, logs and
# pid files under one git-ignored folder ($PIAM_DATA_DIR, default <repo>/.local).
#
#   ops/local/stack.sh up|down|status|reset|logs [mysql|clickhouse|kafka]   (no name: all three)
#
# Ports (env): MYSQL_PORT=3306 CLICKHOUSE_PORT=8123 (HTTP) CLICKHOUSE_TCP_PORT=9000
#              KAFKA_PORT=9092 KAFKA_CONTROLLER_PORT=9093.   FOLLOW=1 makes `logs` follow.
# STACK_SECURE=true: a CA and server certificate of the stack's own ($PIAM_DATA_DIR/tls, ops/local/tls.sh); MariaDB
#              with TLS and require_secure_transport (over TCP only encrypted sessions; root uses the socket),
#              ClickHouse only on HTTPS (CLICKHOUSE_HTTPS_PORT=8443) and the secure native port
#              (CLICKHOUSE_TCP_SECURE_PORT=9440, the scripts' clickhouse-client), Kafka's SASL_SSL listener (SCRAM,
#              KAFKA_USER/KAFKA_PASSWORD) on KAFKA_SECURE_PORT=9094 (PLAINTEXT stays beside it for the stack's own
#              admin client). Runtimes and tools started here then use TLS everywhere (ops/local/secure-env.sh).
# STACK_SECURE=beside: the same TLS listeners beside the plain ones (the tests' stack: both kinds of client).
#              The mode of a running stack is kept in $PIAM_DATA_DIR/run/stack-secure until it is stopped.
# status exits 0 when every requested service runs, 3 otherwise.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DATA="$(realpath -m "${PIAM_DATA_DIR:-$ROOT/.local}")" # absolute: pid checks match it in command lines
RUN="$DATA/run"
LOGS="$DATA/logs"
MYSQL_PORT="${MYSQL_PORT:-3306}"
CLICKHOUSE_PORT="${CLICKHOUSE_PORT:-8123}"
CLICKHOUSE_TCP_PORT="${CLICKHOUSE_TCP_PORT:-9000}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SECURE_PORT="${KAFKA_SECURE_PORT:-9094}"
CLICKHOUSE_HTTPS_PORT="${CLICKHOUSE_HTTPS_PORT:-8443}"
CLICKHOUSE_TCP_SECURE_PORT="${CLICKHOUSE_TCP_SECURE_PORT:-9440}"
# unset: the mode the running stack was started with, else false
RUNNING_SECURE="$(cat "$RUN/stack-secure" 2>/dev/null || true)"
STACK_SECURE="${STACK_SECURE:-${RUNNING_SECURE:-false}}"
case "$STACK_SECURE" in
  true|false|beside) ;;
  *) echo "STACK_SECURE='$STACK_SECURE' must be true (TLS only), beside (TLS beside plain) or false" >&2; exit 2;;
esac
tls_on() { [[ "$STACK_SECURE" != false ]]; }   # the stack's certificate and TLS listeners
strict() { [[ "$STACK_SECURE" == true ]]; }    # and no plain MariaDB session over TCP, no plain ClickHouse port
# Must match the kafka-clients that camel-kafka 4.18.0 uses.
KAFKA_VERSION="3.9.1"
MYSQL_SOCK="$RUN/mysql.sock"
ALL="mysql clickhouse kafka" # start order; down goes the other way
MARKER="$DATA/.piam-stack" # written into the data folder this script creates; reset deletes nothing without it
# shellcheck source=ops/local/credentials.sh
source "$ROOT/ops/local/credentials.sh"
piam_credentials "$ROOT" || exit 1
# shellcheck source=ops/local/tls.sh
source "$ROOT/ops/local/tls.sh"
TLS="$DATA/tls"

say() { printf '%s\n' "$*"; }
die() { printf '%s\n' "$*" >&2; exit 1; }

# ---------- processes and ports ----------

pid_of() { if [[ -f "$RUN/$1.pid" ]]; then cat "$RUN/$1.pid"; fi; }
# A pid file can outlive a reboot and its pid be reused: only a live process whose command line
# names this data folder is ours, so `down` never signals a stranger.
pid_alive() { # (no pipe into grep -q here: an early exit would SIGPIPE tr and fail under pipefail)
  local p; p="$(pid_of "$1")"
  [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null && [[ "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)" == *"$DATA/"* ]]
}
# Asks ss whether something listens rather than connecting: a probe connection makes MariaDB and
# ClickHouse log an aborted-connection warning each time. /dev/tcp only where ss is missing.
port_open() {
  if command -v ss >/dev/null; then [[ -n "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]]
  else (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; fi
}
ports_of() { case "$1" in
  mysql) echo "$MYSQL_PORT" ;;
  clickhouse) if strict; then echo "$CLICKHOUSE_HTTPS_PORT $CLICKHOUSE_TCP_SECURE_PORT"; else echo "$CLICKHOUSE_PORT $CLICKHOUSE_TCP_PORT"; fi ;;
  kafka) echo "$KAFKA_PORT $KAFKA_CONTROLLER_PORT" ;; esac; }
# Running means: our pid file, that process alive, and every port of the service answering.
running() {
  pid_alive "$1" || return 1
  local p; for p in $(ports_of "$1"); do port_open "$p" || return 1; done
}

# "PID NAME" of whoever listens on a TCP port (empty when ss cannot tell).
port_holder() {
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'users:(("[^"]*",pid=[0-9]*' | head -1 |
    sed -E 's/users:\(\("([^"]*)",pid=([0-9]*)/\2 \1/' || true
}

# Fails naming the service, the port and the holder when a port is taken by a process not ours.
check_port_free() { # service port variable-name
  local svc="$1" port="$2" var="$3" pid="" name=""
  port_open "$port" || return 0
  read -r pid name <<<"$(port_holder "$port")" || true
  [[ -n "$pid" && "$pid" == "$(pid_of "$svc")" ]] && return 0
  die "$svc: port $port is held by another process (pid ${pid:-?} '${name:-unknown}'); stop it or set $var"
}

# Says so and succeeds when the service already runs; clears a stale pid file otherwise.
already_running() {
  local s="$1"
  if running "$s"; then say "$s: already running (pid $(pid_of "$s"), port $(ports_of "$s" | tr ' ' /))"; return 0; fi
  if pid_alive "$s"; then
    die "$s: pid $(pid_of "$s") is alive but port $(ports_of "$s" | tr ' ' /) does not answer; wait, or run: $0 down $s"
  fi
  rm -f "$RUN/$s.pid"
  return 1
}

wait_for() { # name seconds command...
  local name="$1" secs="$2" i; shift 2
  for ((i = 0; i < secs * 4; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    pid_alive "$name" || die "$name: exited during start-up; see $LOGS/$name.log ($0 logs $name)"
    if ((i == 120 && secs > 30)); then say "$name: still starting after 30 s (large tables take longer to open); waiting up to $secs s"; fi
    sleep 0.25
  done
  die "$name: not ready after ${secs} s; see $LOGS/$name.log (pid $(pid_of "$name") left running; $0 down $name)"
}

# nohup+setsid exec the server (setsid does not fork outside a process-group leader), so $! is the
# server's own PID; setsid keeps it alive when the calling terminal or CI step ends.
start_bg() { # name command...
  local name="$1"; shift
  nohup setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

# ClickHouse 18.16 goes on answering on open keep-alive HTTP connections after SIGTERM and never exits
# while a client (the runtime's pool) keeps using them: it gets 5 s, then SIGKILL (MergeTree parts are
# written atomically; an insert cut off is not acknowledged and the loader sends it again).
stop_svc() { # name: SIGTERM, up to 20 s (ClickHouse: 5 s) for a clean shutdown, then SIGKILL
  local name="$1" pid i grace=20
  [[ $name == clickhouse ]] && grace=5
  if ! pid_alive "$name"; then rm -f "$RUN/$name.pid"; say "$name: not running"; return 0; fi
  pid="$(pid_of "$name")"
  kill -TERM "$pid"
  for ((i = 0; i < grace * 4; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done # gone, its ports free
    say "$name: did not stop within $grace s$([[ $name == clickhouse ]] && echo ' (clients kept their connections open)'), killed"
  fi
  rm -f "$RUN/$name.pid"
  say "$name: stopped (was pid $pid)"
}

elapsed() { echo "$(($(date +%s%N) / 1000000 - $1))"; } # ms since a `date +%s%3N` stamp

# ---------- packages ----------

ensure_packages() {
  local missing=() p
  for p in mariadb-server mariadb-client clickhouse-server clickhouse-client; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  # ss names the holder of a busy port; java runs Kafka; mvn resolves Kafka's jars
  command -v ss >/dev/null || missing+=(iproute2)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || missing+=(maven)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local cmd="apt-get install -y --no-install-recommends ${missing[*]}"
  [[ $(id -u) -eq 0 ]] || die "missing packages: ${missing[*]}; run as root: $cmd"
  say "installing ${missing[*]} (log: $LOGS/apt.log) ..."
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have no package lists yet: update only when the plain install fails.
  $cmd >"$LOGS/apt.log" 2>&1 || { apt-get update >>"$LOGS/apt.log" 2>&1 && $cmd >>"$LOGS/apt.log" 2>&1; } ||
    die "apt-get failed; see $LOGS/apt.log"
}

# ---------- MariaDB ----------

mysql_up() {
  already_running mysql && return 0
  check_port_free mysql "$MYSQL_PORT" MYSQL_PORT
  local dir="$DATA/mysql" t0; t0="$(date +%s%3N)"
  if [[ ! -d "$dir/mysql" ]]; then # system tables missing: first start
    mkdir -p "$dir"
    mariadb-install-db --no-defaults --datadir="$dir" --user=root --auth-root-authentication-method=socket \
      --skip-test-db >"$LOGS/mysql-init.log" 2>&1 || die "mysql: datadir init failed; see $LOGS/mysql-init.log"
  fi
  # Binlog ROW + FULL row image + server id: what Debezium needs. UTC so DATETIME means UTC.
  # utf8mb4 for every connection, whatever the client asks: the mariadb CLI in a C.UTF-8 locale
  # asks for utf8mb3 and an emoji would be refused (ERROR 1366).
  # STACK_SECURE: TLS offered with the stack's certificate (users created REQUIRE SSL, or MYSQL_SSL_MODE, use it);
  # true: required for every session over TCP (the socket, root's way in, counts as secure)
  local tls=()
  tls_on && tls=(--ssl-ca="$TLS/ca.pem" --ssl-cert="$TLS/server.pem" --ssl-key="$TLS/server.key")
  strict && tls+=(--require-secure-transport=ON)
  start_bg mysql mariadbd --no-defaults --user=root --datadir="$dir" --bind-address=127.0.0.1 "${tls[@]}" \
    --port="$MYSQL_PORT" --socket="$MYSQL_SOCK" --pid-file="$RUN/mysql.pid" --log-error="$LOGS/mysql.log" \
    --server-id=1 --log-bin="$dir/mariadb-bin" --binlog-format=ROW --binlog-row-image=FULL \
    --expire-logs-days=1 --skip-name-resolve --innodb-buffer-pool-size=64M --default-time-zone=+00:00 \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci --skip-character-set-client-handshake
  wait_for mysql 30 mariadb-admin --no-defaults --socket="$MYSQL_SOCK" -uroot ping
  mysql_root_by_socket_only
  # the users with their passwords (01_users.sh), then schema and grants: applied on every start
  local f; for f in "$ROOT"/ops/mysql-init/*; do
    case "$f" in
      *.sql) mysql_root <"$f" || die "mysql: init SQL failed in $f (error above)" ;;
      *.sh) CG_GENERATOR_PASSWORD="$MYSQL_PASSWORD" CG_CAPTURE_PASSWORD="$CAPTURE_PASSWORD" \
              CG_MONITOR_PASSWORD="$MYSQL_MONITOR_PASSWORD" bash "$f" | mysql_root ||
              die "mysql: init script $f failed (error above)" ;;
    esac
  done
  mysql_utf8mb4

  say "mysql: started in $(elapsed "$t0") ms (pid $(pid_of mysql), port $MYSQL_PORT, socket $MYSQL_SOCK)"
}

mysql_root() { mariadb --no-defaults --socket="$MYSQL_SOCK" -uroot "$@"; }

# root logs in over the socket as the OS user root (unix_socket), never over TCP and never by password.
# A datadir made by an older stack had root@localhost/127.0.0.1/::1/<host> without a password: fixed here.
mysql_root_by_socket_only() {
  local hosts h
  hosts="$(mysql_root -N -e "SELECT host FROM mysql.user WHERE user = 'root' AND host <> 'localhost'")" ||
    die "mysql: cannot read mysql.user as root over $MYSQL_SOCK"
  for h in $hosts; do mysql_root -e "DROP USER 'root'@'$h'" || die "mysql: cannot drop root@$h"; done
  if [[ "$(mysql_root -N -e "SELECT plugin FROM mysql.user WHERE user = 'root' AND host = 'localhost'")" != unix_socket ]]; then
    mysql_root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket" || die "mysql: cannot switch root to socket login"
    say "mysql: root now logs in over the socket only (unix_socket)"
  fi
}

# Tables created by an older stack are latin1 (the server default without --character-set-server):
# converted once to utf8mb4 in place, column by column (MODIFY ... CHARACTER SET), which Debezium's
# DDL parser applies to its schema history; it ignores CONVERT TO CHARACTER SET and would go on
# decoding the new UTF-8 bytes as latin1. Rewrites the table: a minute or so for millions of rows.
mysql_utf8mb4() {
  local sql
  sql="$(mysql_root -N -e "SELECT CONCAT('ALTER TABLE cloudgate.\`', TABLE_NAME, '\` ',
      GROUP_CONCAT(CONCAT('MODIFY \`', COLUMN_NAME, '\` ', COLUMN_TYPE,
        ' CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', IF(IS_NULLABLE = 'NO', ' NOT NULL', ' NULL'))
        ORDER BY ORDINAL_POSITION SEPARATOR ', '),
      ', DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;')
    FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = 'cloudgate' AND CHARACTER_SET_NAME IS NOT NULL AND CHARACTER_SET_NAME <> 'utf8mb4'
    GROUP BY TABLE_NAME")" || die "mysql: cannot read the cloudgate column character sets"
  [[ -z "$sql" ]] && return 0
  say "mysql: converting the cloudgate tables' text columns to utf8mb4 (once) ..."
  mysql_root -e "ALTER DATABASE cloudgate CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci; $sql" ||
    die "mysql: converting cloudgate to utf8mb4 failed (error above)"
}

# ---------- ClickHouse ----------

clickhouse_config() {
  local dir="$DATA/clickhouse" ports https=""
  mkdir -p "$dir/data" "$dir/tmp"
  # STACK_SECURE: HTTPS (and the native protocol over TLS) with the stack's certificate; true: nothing else
  ports="<http_port>$CLICKHOUSE_PORT</http_port>
  <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>"
  strict && ports=""
  tls_on && https="<https_port>$CLICKHOUSE_HTTPS_PORT</https_port>
  <tcp_port_secure>$CLICKHOUSE_TCP_SECURE_PORT</tcp_port_secure>
  <openSSL><server><certificateFile>$TLS/server.pem</certificateFile><privateKeyFile>$TLS/server.key</privateKeyFile>
    <verificationMode>none</verificationMode><loadDefaultCAFile>false</loadDefaultCAFile><cacheSessions>true</cacheSessions>
    <disableProtocols>sslv2,sslv3,tlsv1,tlsv1_1</disableProtocols><preferServerCiphers>true</preferServerCiphers></server></openSSL>"
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$LOGS/clickhouse.log</log><errorlog>$LOGS/clickhouse.err.log</errorlog></logger>
  <listen_host>127.0.0.1</listen_host>
  $ports
  $https
  <path>$dir/data/</path>
  <tmp_path>$dir/tmp/</tmp_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
  <timezone>UTC</timezone>
</yandex>
XML
  clickhouse_users "$dir"
}

xml_text() { local s="${1//&/&amp;}"; s="${s//</&lt;}"; s="${s//>/&gt;}"; printf '%s' "$s"; }
sha256_hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# The three users of docs/security.md, the same names and profiles as Compose's
# ops/clickhouse-users/piam-users.xml. 18.16 has no GRANT: a user is limited by its databases
# (allow_databases) and its profile (allow_ddl=0: no CREATE/ALTER/DROP/TRUNCATE; readonly=2: no
# writes), not table by table. No `default` user: a login without a user name is refused.
# Files with secrets (users.xml with password hashes, the client configs) are 0600.
clickhouse_users() { # dir
  local dir="$1" u
  local admin loader reader
  admin="$(sha256_hex "$CLICKHOUSE_ADMIN_PASSWORD")" loader="$(sha256_hex "$CLICKHOUSE_PASSWORD")"
  reader="$(sha256_hex "$CLICKHOUSE_READER_PASSWORD")"
  local net="<networks><ip>127.0.0.1</ip><ip>::1</ip></networks><quota>default</quota>"
  (umask 077 && cat >"$dir/users.xml.new" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>1000000000</max_memory_usage></default>
    <piam_loader><max_memory_usage>1000000000</max_memory_usage><allow_ddl>0</allow_ddl></piam_loader>
    <piam_reader><max_memory_usage>1000000000</max_memory_usage><readonly>2</readonly><allow_ddl>0</allow_ddl></piam_reader>
  </profiles>
  <users>
    <piam_admin><password_sha256_hex>$admin</password_sha256_hex>$net<profile>default</profile></piam_admin>
    <piam_loader><password_sha256_hex>$loader</password_sha256_hex>$net<profile>piam_loader</profile><allow_databases><database>piam</database></allow_databases></piam_loader>
    <piam_reader><password_sha256_hex>$reader</password_sha256_hex>$net<profile>piam_reader</profile><allow_databases><database>piam</database></allow_databases></piam_reader>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
  ) && mv "$dir/users.xml.new" "$dir/users.xml"
  # clickhouse-client --config-file=<this>: the scripts' login without a password on the command line; on a stack
  # with TLS only, over the secure native port with the stack's CA checked
  local port="$CLICKHOUSE_TCP_PORT" tls=""
  strict && port="$CLICKHOUSE_TCP_SECURE_PORT" tls="<secure>1</secure><openSSL><client><loadDefaultCAFile>false</loadDefaultCAFile><caConfig>$(
    xml_text "$TLS/ca.pem")</caConfig><verificationMode>strict</verificationMode><invalidCertificateHandler><name>RejectCertificateHandler</name></invalidCertificateHandler></client></openSSL>"
  for u in admin reader; do
    local pw; if [[ $u == admin ]]; then pw="$CLICKHOUSE_ADMIN_PASSWORD"; else pw="$CLICKHOUSE_READER_PASSWORD"; fi
    (umask 077 && printf '<config><host>127.0.0.1</host><port>%s</port><user>piam_%s</user><password>%s</password>%s</config>\n' \
      "$port" "$u" "$(xml_text "$pw")" "$tls" >"$dir/client-$u.xml")
  done
}

# Columns added after a table was first created (18.16 has no ADD COLUMN IF NOT EXISTS).
clickhouse_migrate() {
  local ch=(clickhouse-client --config-file="$DATA/clickhouse/client-admin.xml")
  if [[ "$("${ch[@]}" -q "SELECT count() FROM system.columns WHERE database = 'piam'
        AND table = 'fact_connector_health' AND name = 'source_id'")" == 0 ]]; then
    "${ch[@]}" -q "ALTER TABLE piam.fact_connector_health ADD COLUMN source_id UInt64 DEFAULT 0" ||
      die "clickhouse: adding piam.fact_connector_health.source_id failed (error above)"
    say "clickhouse: added piam.fact_connector_health.source_id"
  fi
}

# HTTP /ping over bash's /dev/tcp: no curl needed on a fresh machine. ($0 is the port.)
ch_ping() { # shellcheck disable=SC2016
  timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" && printf "GET /ping HTTP/1.0\r\n\r\n" >&3 && grep -q "^Ok" <&3' \
    "$CLICKHOUSE_PORT"
}
# TLS only: the scripts' own client over the secure native port answers
ch_ready() {
  if strict; then clickhouse-client --config-file="$DATA/clickhouse/client-admin.xml" -q "SELECT 1" && port_open "$CLICKHOUSE_HTTPS_PORT"
  else ch_ping && port_open "$CLICKHOUSE_TCP_PORT"; fi
}

clickhouse_up() {
  already_running clickhouse && return 0
  if ! strict; then
    check_port_free clickhouse "$CLICKHOUSE_PORT" CLICKHOUSE_PORT
    check_port_free clickhouse "$CLICKHOUSE_TCP_PORT" CLICKHOUSE_TCP_PORT
  fi
  if tls_on; then
    check_port_free clickhouse "$CLICKHOUSE_HTTPS_PORT" CLICKHOUSE_HTTPS_PORT
    check_port_free clickhouse "$CLICKHOUSE_TCP_SECURE_PORT" CLICKHOUSE_TCP_SECURE_PORT
  fi
  local t0 f; t0="$(date +%s%3N)"
  clickhouse_config # rewritten on every start so changed ports take effect
  start_bg clickhouse clickhouse-server --config-file="$DATA/clickhouse/config.xml"
  # ClickHouse 18.16 opens every part of every table before it answers: ~70 s with the 5 M-row walk-through's table
  wait_for clickhouse 180 ch_ready
  for f in "$ROOT"/ops/clickhouse-init/*.sql; do # written to be idempotent: applied on every start
    [[ -e "$f" ]] || continue
    clickhouse-client --config-file="$DATA/clickhouse/client-admin.xml" --multiquery <"$f" ||
      die "clickhouse: init SQL failed in $f (error above)"
  done
  clickhouse_migrate
  say "clickhouse: started in $(elapsed "$t0") ms (pid $(pid_of clickhouse), $(
    strict || printf 'http %s, tcp %s' "$CLICKHOUSE_PORT" "$CLICKHOUSE_TCP_PORT"; tls_on && ! strict && printf ', '
    tls_on && printf 'https %s, tcp over TLS %s' "$CLICKHOUSE_HTTPS_PORT" "$CLICKHOUSE_TCP_SECURE_PORT"))"
}

# ---------- Kafka (KRaft: broker and controller in one JVM) ----------

# Resolved once with Maven and cached; re-resolved if a listed jar has gone from ~/.m2.
# kafka_2.13 names slf4j-api only, so slf4j-reload4j is added to get a log at all; kafka-tools adds
# the CLI: org.apache.kafka.tools.TopicCommand, ...tools.consumer.ConsoleConsumer (the producer is
# still kafka.tools.ConsoleProducer in the core jar).
kafka_classpath() {
  local dir="$DATA/kafka/resolve" cp="$DATA/kafka/classpath-$KAFKA_VERSION.txt" j
  local ok=0; if [[ -s "$cp" ]]; then ok=1; for j in $(tr ':' ' ' <"$cp"); do [[ -f "$j" ]] || ok=0; done; fi
  if [[ $ok == 1 ]]; then cat "$cp"; return 0; fi
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<XML
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.piam</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
XML
  mvn -B -q -f "$dir/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cp" >"$LOGS/kafka-resolve.log" 2>&1 ||
    die "kafka: resolving kafka_2.13:$KAFKA_VERSION with Maven failed; see $LOGS/kafka-resolve.log"
  cat "$cp"
}

kafka_config() {
  local dir="$DATA/kafka" listeners="PLAINTEXT://127.0.0.1:$KAFKA_PORT" map="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  tls_on && listeners+=",SASL_SSL://127.0.0.1:$KAFKA_SECURE_PORT" map+=",SASL_SSL:SASL_SSL"
  (umask 077; : >"$dir/server.properties") # it may hold the keystore's password
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=$listeners,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
listener.security.protocol.map=$map
inter.broker.listener.name=PLAINTEXT
log.dirs=$dir/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
# the default 128 MB dedupe buffer does not fit a 128 MB heap (OutOfMemoryError)
log.cleaner.dedupe.buffer.size=8388608
log.retention.hours=24
PROPS
  if tls_on; then
    cat >>"$dir/server.properties" <<PROPS
# STACK_SECURE: SASL_SSL with SCRAM users (KafkaScramUser.java sets KAFKA_USER's credentials at each start)
sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$TLS/server.p12
ssl.keystore.password=$(<"$TLS/server.p12.password")
PROPS
  fi
  # WARN keeps the log readable; KafkaRaftServer at INFO gives the "Kafka Server started" line.
  cat >"$dir/log4j.properties" <<PROPS
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$LOGS/kafka.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaRaftServer=INFO
PROPS
}

KAFKA_LOG_OFFSET=0
# Port answering is not enough (the socket opens before the broker serves): also wait for the
# start line, looking only at what this start wrote to the (appended) log.
kafka_ready() {
  port_open "$KAFKA_PORT" && tail -c +"$((KAFKA_LOG_OFFSET + 1))" "$LOGS/kafka.log" | grep -F "Kafka Server started" >/dev/null
}

# A new KRaft cluster id: 16 random bytes, base64url without padding (what StorageTool random-uuid prints),
# or KAFKA_CLUSTER_ID. About one id in 64 begins with '-'.
kafka_cluster_id() {
  if [[ -n "${KAFKA_CLUSTER_ID:-}" ]]; then printf '%s' "$KAFKA_CLUSTER_ID"; return 0; fi
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='
}

# Formats the KRaft storage named by a server.properties. The id goes as --cluster-id=ID: given as
# "-t ID", an id beginning with '-' was read as an option and the format failed (issue 23).
kafka_format() {
  local config="$1" id="$2" cp="$3" log4j="${4:-}"
  java ${log4j:+"$log4j"} -cp "$cp" kafka.tools.StorageTool format -c "$config" "--cluster-id=$id"
}

kafka_up() {
  already_running kafka && return 0
  check_port_free kafka "$KAFKA_PORT" KAFKA_PORT
  check_port_free kafka "$KAFKA_CONTROLLER_PORT" KAFKA_CONTROLLER_PORT
  tls_on && check_port_free kafka "$KAFKA_SECURE_PORT" KAFKA_SECURE_PORT
  local dir="$DATA/kafka" cp t0 log4j
  mkdir -p "$dir"
  cp="$(kafka_classpath)"
  t0="$(date +%s%3N)"
  kafka_config
  log4j="-Dlog4j.configuration=file:$dir/log4j.properties"
  if [[ ! -f "$dir/data/meta.properties" ]]; then # format the KRaft storage once
    kafka_format "$dir/server.properties" "$(kafka_cluster_id)" "$cp" "$log4j" >>"$LOGS/kafka.log" 2>&1 ||
      die "kafka: storage format failed; see $LOGS/kafka.log"
  fi
  KAFKA_LOG_OFFSET="$(stat -c %s "$LOGS/kafka.log" 2>/dev/null || echo 0)"
  start_bg kafka java -Xms64m -Xmx128m -XX:+UseSerialGC "$log4j" -cp "$cp" kafka.Kafka "$dir/server.properties"
  wait_for kafka 60 kafka_ready
  if tls_on; then
    KAFKA_USER="${KAFKA_USER:-piam}" java "$log4j" -cp "$cp" "$ROOT/ops/local/KafkaScramUser.java" "127.0.0.1:$KAFKA_PORT" >>"$LOGS/kafka.log" 2>&1 ||
      die "kafka: setting the SCRAM user ${KAFKA_USER:-piam} failed; see $LOGS/kafka.log"
  fi
  say "kafka: started in $(elapsed "$t0") ms (pid $(pid_of kafka), port $KAFKA_PORT, controller $KAFKA_CONTROLLER_PORT$(
    tls_on && printf ', SASL_SSL %s as %s' "$KAFKA_SECURE_PORT" "${KAFKA_USER:-piam}"))"
}

# ---------- actions ----------

# The data folder is ours when this script made it (the marker); a new or empty folder becomes ours.
# A folder from before the marker existed (run/ and logs/ of an older stack) is adopted. Anything
# else is refused, so that `reset` can never be pointed at a folder holding someone else's files.
# The tests' own stack (ops/local/test-env.sh: .local/test, made by this script) does not count: `make test` before
# `make demo` on a fresh clone leaves .local holding only test/.
claim_data_dir() {
  [[ -f "$MARKER" ]] && return 0
  local entry others=""
  for entry in "$DATA"/* "$DATA"/.[!.]*; do
    [[ -e "$entry" ]] || continue
    [[ "$entry" == "$DATA/test" && -f "$DATA/test/.piam-stack" ]] && continue
    others="$entry"
  done
  if [[ -n "$others" ]] && ! [[ -d "$RUN" && -d "$LOGS" ]]; then
    die "PIAM_DATA_DIR=$DATA is not empty and was not made by $0; point PIAM_DATA_DIR at a new or empty folder"
  fi
  mkdir -p "$DATA"
  printf 'Made by ops/local/stack.sh for the local PIAM stack; `stack.sh reset` deletes data only where this file is.\n' >"$MARKER"
}

up() {
  claim_data_dir
  mkdir -p "$RUN" "$LOGS"
  ensure_packages
  local s
  for s in $ALL; do
    if [[ -n "$RUNNING_SECURE" && "$RUNNING_SECURE" != "$STACK_SECURE" ]] && pid_alive "$s"; then
      die "the stack runs with STACK_SECURE=$RUNNING_SECURE, not $STACK_SECURE: stop it first ($0 down), or leave STACK_SECURE unset"
    fi
  done
  if tls_on; then tls_material "$TLS"; fi
  # the mode, for the runtimes, tools and stack.sh calls that come without STACK_SECURE (secure-env.sh)
  printf '%s\n' "$STACK_SECURE" >"$RUN/stack-secure"
  for s in $1; do "${s}_up"; done
}

down() {
  local s; for s in kafka clickhouse mysql; do if [[ " $1 " == *" $s "* ]]; then stop_svc "$s"; fi; done
  for s in $ALL; do pid_alive "$s" && return 0; done
  rm -f "$RUN/stack-secure" # nothing runs: the next up starts in the mode it is given
}

rss_mb() { awk '/^VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo "?"; }

status() {
  local rc=0 s ports
  for s in $1; do
    ports="$(ports_of "$s" | tr ' ' /)"
    if running "$s"; then
      printf '%-10s %-9s pid %-7s port %-12s rss %s MB\n' "$s" running "$(pid_of "$s")" "$ports" "$(rss_mb "$(pid_of "$s")")"
    elif pid_alive "$s"; then # ours, but a port does not answer: starting, stopping or wedged
      printf '%-10s %-9s pid %-7s port %-12s (not answering)\n' "$s" unhealthy "$(pid_of "$s")" "$ports"; rc=3
    else
      printf '%-10s %-9s pid %-7s port %s\n' "$s" stopped - "$ports"; rc=3
    fi
  done
  return $rc
}

reset() {
  [[ -f "$MARKER" ]] ||
    die "reset: PIAM_DATA_DIR=$DATA was not made by $0 (no $MARKER); nothing deleted"
  down "$1"
  local s
  for s in $1; do # kafka keeps its resolved classpath; logs are kept too
    case "$s" in
      kafka) rm -rf "${DATA:?}/kafka/data" ;;
      # the runtime's capture offsets point into this server's binlog: they go with it
      mysql) rm -rf "${DATA:?}/mysql" "${DATA:?}/capture" ;;
      *) rm -rf "${DATA:?}/$s" ;;
    esac
    say "$s: data deleted"
  done
  say "run '$0 up' to start fresh"
}

logs() {
  local files=() s
  for s in $1; do files+=("$LOGS/$s.log"); done
  if [[ "${FOLLOW:-0}" == 1 ]]; then exec tail -n 50 -F "${files[@]}"; fi
  for s in $1; do
    say "==> $s: $LOGS/$s.log <=="
    tail -n 50 "$LOGS/$s.log" 2>/dev/null || say "(no log yet)"
  done
}

usage() { say "usage: $0 up|down|status|reset|logs [mysql|clickhouse|kafka]   (no name: all three)"; }

action="${1:-}"
if [[ "$action" == kafka-format ]]; then # kafka-format <server.properties> <cluster id>: formats that storage (StackScriptsIT)
  kafka_format "$2" "$3" "$(kafka_classpath)"; exit $?
fi
if [[ "$action" == claim ]]; then # claim: takes PIAM_DATA_DIR as up would, starts nothing (StackScriptsIT)
  claim_data_dir; exit $?
fi
case "${2:-}" in
  "") svcs="$ALL" ;;
  mysql | clickhouse | kafka) svcs="$2" ;;
  *) usage >&2; die "unknown service '$2'" ;;
esac
case "$action" in
  up) up "$svcs"; status "$svcs" ;;
  down) down "$svcs" ;;
  status) status "$svcs" ;;
  reset) reset "$svcs" ;;
  logs) logs "$svcs" ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
