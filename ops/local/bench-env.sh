# Sourced by the ops/local/*-bench.sh scripts: bench_env <name> <default rows> <least rows> sets ROOT, DATA, ROWS
# (from BENCH_ROWS, checked: exit 2 naming it), the stack's credentials, and MARIADB / CH (root and admin clients).
bench_env() {
  ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  DATA="$(realpath -m "${PIAM_DATA_DIR:-$ROOT/.local}")"
  ROWS="${BENCH_ROWS:-$2}"
  [[ "$ROWS" =~ ^[0-9]+$ && "$ROWS" -ge "$3" ]] ||
    { echo "$1: BENCH_ROWS='$ROWS' must be a whole number of at least $3" >&2; exit 2; }
  # shellcheck source=ops/local/credentials.sh
  source "$ROOT/ops/local/credentials.sh"
  piam_credentials "$ROOT"
  MARIADB=(mariadb --no-defaults --socket="$DATA/run/mysql.sock" -uroot)
  CH=(clickhouse-client --config-file="$DATA/clickhouse/client-admin.xml")
}
