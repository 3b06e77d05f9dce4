# Sourced by ops/local/runtime.sh and the Makefile's tools (demo-verify, reconcile, trace, snapshot, bench, chaos, soak):
# on a local stack started with STACK_SECURE=true, exports the settings that point a runtime or tool at its TLS
# listeners with the stack's CA — by settings alone, as a user would for managed services (docs/security.md).
#
# The mode is STACK_SECURE when set, otherwise the one the running stack was started with ($DATA/run/stack-secure,
# written by stack.sh up). Only `true` (every service encrypted) makes clients secure; on `beside` (the tests' stack:
# TLS listeners beside the plain ones) RUNTIME_SECURE=true does. RUNTIME_SECURE=false keeps a client plain. Per service,
# all of its settings are set together, and only when that service's mode is unset (yours win).
piam_secure_env() { # data-dir
  local data="$1" mode="${STACK_SECURE:-}"
  [[ -z "$mode" && -f "$data/run/stack-secure" ]] && mode="$(<"$data/run/stack-secure")"
  [[ "${RUNTIME_SECURE:-${mode:-false}}" == true ]] || return 0
  local ca="$data/tls/ca.pem"
  [[ -f "$ca" ]] || { echo "STACK_SECURE=true but $ca is missing; start the stack so: STACK_SECURE=true ops/local/stack.sh up" >&2; return 1; }
  if [[ -z "${MYSQL_SSL_MODE:-}" ]]; then export MYSQL_SSL_MODE=verify-full MYSQL_CA_FILE="$ca"; fi
  if [[ -z "${CLICKHOUSE_SSL_MODE:-}" ]]; then
    export CLICKHOUSE_SSL_MODE=verify-full CLICKHOUSE_CA_FILE="$ca" CLICKHOUSE_PORT="${CLICKHOUSE_HTTPS_PORT:-8443}"
  fi
  if [[ -z "${KAFKA_SECURITY_PROTOCOL:-}" ]]; then
    export KAFKA_SECURITY_PROTOCOL=SASL_SSL KAFKA_SASL_MECHANISM=SCRAM-SHA-512 KAFKA_USER="${KAFKA_USER:-piam}" \
      KAFKA_CA_FILE="$ca" KAFKA_BOOTSTRAP="127.0.0.1:${KAFKA_SECURE_PORT:-9094}"
  fi
}
