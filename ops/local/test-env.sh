# Sourced by `make test` (and by you, to run one integration test): the tests' own local stack, beside the demo's.
# Its own data folder and ports, so the tests never write into the demo's MariaDB, Kafka topics or ClickHouse tables
# (a `make demo` after `make test` starts as it would have without it) and `make test` may run while the demo runs.
#   . ops/local/test-env.sh && ops/local/stack.sh up && mvn -B -o test-compile failsafe:integration-test -Dit.test=VerifierIT
# Ports taken by something else: set PIAM_TEST_MYSQL_PORT, PIAM_TEST_CLICKHOUSE_PORT, PIAM_TEST_CLICKHOUSE_TCP_PORT,
# PIAM_TEST_KAFKA_PORT or PIAM_TEST_KAFKA_CONTROLLER_PORT first.
_piam_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export PIAM_DATA_DIR="${PIAM_TEST_DATA_DIR:-$_piam_root/.local/test}"
export MYSQL_PORT="${PIAM_TEST_MYSQL_PORT:-13306}"
export CLICKHOUSE_PORT="${PIAM_TEST_CLICKHOUSE_PORT:-18123}"
export CLICKHOUSE_TCP_PORT="${PIAM_TEST_CLICKHOUSE_TCP_PORT:-19000}"
export KAFKA_PORT="${PIAM_TEST_KAFKA_PORT:-29092}"
export KAFKA_CONTROLLER_PORT="${PIAM_TEST_KAFKA_CONTROLLER_PORT:-29093}"
# the tests' stack has TLS listeners beside the plain ones (its own CA; MariaDB TLS, ClickHouse HTTPS, Kafka SASL_SSL):
# SecureKafkaIT and SecureStackIT use them, the other tests the plain ones (StrictStackIT starts a TLS-only stack)
export STACK_SECURE="${PIAM_TEST_STACK_SECURE:-beside}"
export KAFKA_SECURE_PORT="${PIAM_TEST_KAFKA_SECURE_PORT:-29094}"
export CLICKHOUSE_HTTPS_PORT="${PIAM_TEST_CLICKHOUSE_HTTPS_PORT:-18443}"
export CLICKHOUSE_TCP_SECURE_PORT="${PIAM_TEST_CLICKHOUSE_TCP_SECURE_PORT:-19440}"
# runtimes started through ops/local/runtime.sh (ChaosIT, the scripts' tests) stay plain unless a test says otherwise
export RUNTIME_SECURE=false
export KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT"
unset _piam_root
