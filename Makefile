# PIAM CDC pipeline. `make demo` and `make test` are all a new user needs (see README.md).
SHELL := /bin/bash
STACK := ops/local/stack.sh
RUNTIME := ops/local/runtime.sh
# The tests' own stack (its data folder and ports; ops/local/test-env.sh), put in front of a recipe line of make test.
TEST_ENV := . ops/local/test-env.sh &&
MVN := mvn -B -q
# Put in front of a tool's java line: on a stack started with STACK_SECURE=true the tool connects as the runtime does,
# over TLS with the stack's CA (ops/local/secure-env.sh)
TOOL_ENV := . ops/local/secure-env.sh && piam_secure_env "$$(realpath -m $${PIAM_DATA_DIR:-.local})" &&
# the local stack's ClickHouse as piam_admin (stack.sh writes the 0600 client config; docs/security.md)
CH := clickhouse-client --config-file=$${PIAM_DATA_DIR:-.local}/clickhouse/client-admin.xml
# The full path (MySQL -> Debezium -> Kafka -> ClickHouse); INGEST_MODE=direct make demo skips MySQL/Kafka.
DEMO_INGEST_MODE ?= cdc
# True (exit 0) when the Docker Compose runtime container runs: the demo-* targets then act on Compose.
ON_DOCKER := docker info >/dev/null 2>&1 && [ -n "$$(docker compose ps -q runtime 2>/dev/null)" ]

.PHONY: help bench snapshot-bench build chaos demo demo-up demo-down demo-reset demo-verify demo-logs demo-status reconcile snapshot soak trace stack-up stack-down test unit

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

build: ## Build the runnable jar (target/piam-cdc.jar + target/lib)
	$(MVN) package -DskipTests

stack-up: ## Start MariaDB, ClickHouse and Kafka on 127.0.0.1 (installs packages if needed)
	$(STACK) up

stack-down: ## Stop the local stack
	$(STACK) down

demo: stack-up build ## Stack up + runtime in the background; returns once rows arrive in ClickHouse (RUNTIMES=3: three sharing the pipeline)
	@since=$$(date +%s%3N); n=$${RUNTIMES:-1}; \
	case "$$n" in [1-9]) ;; *) echo "demo: RUNTIMES='$$n' must be 1 to 9" >&2; exit 2;; esac; \
	if [ "$$n" = 1 ]; then \
	  INGEST_MODE=$${INGEST_MODE:-$(DEMO_INGEST_MODE)} $(RUNTIME) start && $(RUNTIME) wait-rows $$since 90 && $(RUNTIME) status && \
	  echo "Live view: http://$${MANAGEMENT_HOST:-127.0.0.1}:$${MANAGEMENT_PORT:-9876}/" && \
	  echo "Follow it: tail -f .local/logs/runtime.log   Stop it: make demo-down"; \
	else \
	  [ "$${INGEST_MODE:-cdc}" = cdc ] || { echo "demo: RUNTIMES>1 shares the CDC path; INGEST_MODE must be cdc" >&2; exit 2; }; \
	  if $(RUNTIME) status >/dev/null 2>&1; then echo "demo: a single runtime runs (no capture lease); stop it first: make demo-down" >&2; exit 2; fi; \
	  for i in $$(seq 1 $$n); do RUNTIME_ID=$$i $(RUNTIME) start || exit 1; done; \
	  RUNTIME_ID=1 $(RUNTIME) wait-rows $$since 120 && sleep 5 && $(RUNTIME) status-all; \
	  for i in $$(seq 1 $$n); do echo "Live view $$i: http://$${MANAGEMENT_HOST:-127.0.0.1}:$$(( $${MANAGEMENT_PORT:-9876} + i - 1 ))/"; done; \
	  echo "Follow them: tail -f .local/logs/runtime-*.log   Who captures: make demo-status   Stop them: make demo-down"; \
	fi

demo-up: ## The plan's one command: Docker Compose when a Docker engine answers, otherwise `make demo` (local stack)
	@if docker info >/dev/null 2>&1; then \
	  echo "demo-up: Docker engine found: docker compose up (mysql, redpanda, clickhouse, runtime)"; \
	  [ -f .env ] || { cp .env.example .env && chmod 600 .env && \
	    echo "demo-up: wrote .env from .env.example (demo passwords: change them for anything beyond a demo)"; }; \
	  docker compose up -d --build --wait mysql redpanda clickhouse runtime; \
	else \
	  echo "demo-up: no Docker engine answers; using the local stack (ops/local)"; \
	  $(MAKE) --no-print-directory demo; \
	fi

demo-down: ## Stop the runtime(s), then the stack (Docker Compose too, when it runs)
	-@if docker info >/dev/null 2>&1; then docker compose down; fi
	$(RUNTIME) stop-all
	$(STACK) down

demo-reset: ## Delete the last day of pipeline data in ClickHouse (ops/clickhouse-ops/demo-reset.sql) and restart the runtime
	@if $(ON_DOCKER); then \
	  docker compose exec -T clickhouse sh -c 'clickhouse-client --user "$$CLICKHOUSE_USER" --password "$$CLICKHOUSE_PASSWORD" --multiquery' \
	    < ops/clickhouse-ops/demo-reset.sql || exit 1; \
	  docker compose exec -T runtime sh -c 'date +%s > "$$PIAM_DATA_DIR/reconcile-from"'; \
	  docker compose restart runtime; echo "Demo reset complete (Docker)"; \
	else \
	  $(RUNTIME) stop-all && \
	  $(CH) --multiquery < ops/clickhouse-ops/demo-reset.sql && \
	  for d in $${PIAM_DATA_DIR:-.local} $${PIAM_DATA_DIR:-.local}/runtimes/[1-9]; do [ -d "$$d" ] && date +%s > "$$d/reconcile-from"; done; \
	  $(MAKE) --no-print-directory demo && echo "Demo reset complete"; \
	fi

demo-verify: ## Report every stage (services, data flow, freshness); exit 0 when HEALTHY (or SNAPSHOTTING: reading existing rows)
	@if $(ON_DOCKER); then \
	  docker compose exec -T runtime java -cp /app/piam-cdc.jar com.piam.cdc.tools.VerifyReport; \
	else \
	  [ -f target/piam-cdc.jar ] || $(MVN) package -DskipTests; \
	  $(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.VerifyReport; \
	fi

reconcile: ## Compare MySQL with ClickHouse minute by minute (SINCE='2026-11-30 14:00' UNTIL=… or SINCE=-2h); exit 1 on a difference
	@[ -f target/piam-cdc.jar ] || $(MVN) package -DskipTests
	@$(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.ReconcileCommand 2>/dev/null

trace: ## Where is my row? make trace ID=<event_id> (or ID=<id> TABLE=health): source, Kafka, dead-letter topic, ClickHouse
	@[ -f target/piam-cdc.jar ] || $(MVN) package -DskipTests
	@$(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.TraceCommand 2>/dev/null

snapshot: ## Read a source table again through capture (after rows were lost in ClickHouse): make snapshot [TABLE=events|health] [WHERE="site_id='acme-hq'"]
	@[ -f target/piam-cdc.jar ] || $(MVN) package -DskipTests
	@$(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.SnapshotCommand 2>/dev/null

chaos: stack-up build ## The fault suite under load (kill -9, outages, a rejected row); a table and the final balance, exit 1 unless exact (~12 min)
	@mkdir -p $${PIAM_DATA_DIR:-.local}/logs
	@$(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.chaos.ChaosCommand 2>>$${PIAM_DATA_DIR:-.local}/logs/chaos.log

demo-logs: ## Follow the runtime log
	@if $(ON_DOCKER); then docker compose logs -f --tail 50 runtime; else tail -n 50 -f .local/logs/runtime.log; fi

demo-status: ## Each service and every runtime: PID, port, RSS, and (RUNTIMES>1) which one captures
	-$(STACK) status
	-$(RUNTIME) status-all

bench: stack-up build ## Throughput (200-row and large batches), freshness at 10/s, runtime RSS (BENCH_SECONDS=30)
	@if $(RUNTIME) status-all | grep -q running; then echo "bench: the demo runtime is running; stop it first (ops/local/runtime.sh stop-all)" >&2; exit 1; fi
	$(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.Bench

snapshot-bench: stack-up build ## A first start on 5 million existing rows: snapshot rows/s, CPU per row, RSS, fresh rows' delay (BENCH_ROWS=…)
	@if $(RUNTIME) status-all | grep -q running; then echo "snapshot-bench: the demo runtime is running; stop it first (ops/local/runtime.sh stop-all)" >&2; exit 1; fi
	ops/local/snapshot-bench.sh

soak: stack-up build ## An hour at 300 events/s with a row set aside every minute: heap after full GC every 5 minutes, its trend (SOAK_MINUTES, SOAK_RATE)
	@if $(RUNTIME) status-all | grep -q running; then echo "soak: the demo runtime is running; stop it first (ops/local/runtime.sh stop-all)" >&2; exit 1; fi
	$(TOOL_ENV) java -cp target/piam-cdc.jar com.piam.cdc.tools.Soak

unit: ## Unit tests only (no services needed)
	$(MVN) test

test: ## The whole suite on the tests' own local stack (ops/local/test-env.sh: .local/test, other ports), started and stopped here; the demo may run meanwhile
	@command -v jq >/dev/null || { echo "test: installing jq (DebeziumConnectTlsTest renders ops/debezium/register-connector.sh)"; \
	  apt-get install -y --no-install-recommends jq >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends jq >/dev/null; }; }
	@command -v npm >/dev/null || { echo "test: installing nodejs and npm (ClickHouseCurrentIT runs current ClickHouse through chdb)"; \
	  apt-get install -y --no-install-recommends nodejs npm >/dev/null; }
	@{ command -v chromium && command -v chromedriver; } >/dev/null || { echo "test: installing chromium and chromium-driver (LiveViewIT drives the live view in a headless browser)"; \
	  apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null; }; }
	@$(TEST_ENV) echo "test: the tests' own stack: $$PIAM_DATA_DIR, MariaDB $$MYSQL_PORT, ClickHouse $$CLICKHOUSE_PORT, Kafka $$KAFKA_PORT and SASL_SSL $$KAFKA_SECURE_PORT (the demo's is not touched)"
	@$(TEST_ENV) $(STACK) up
	@$(TEST_ENV) [ -x "$$PIAM_DATA_DIR/tools/prometheus/usr/bin/promtool" ] || command -v promtool >/dev/null || { echo "test: unpacking promtool from Debian's prometheus package into $$PIAM_DATA_DIR/tools (MetricsIT; no service is installed)"; \
	  rm -rf "$$PIAM_DATA_DIR/tools/prometheus-deb" && mkdir -p "$$PIAM_DATA_DIR/tools/prometheus-deb" && (cd "$$PIAM_DATA_DIR/tools/prometheus-deb" && { apt-get download prometheus >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get download prometheus >/dev/null 2>&1; }; }) && \
	  dpkg-deb -x "$$PIAM_DATA_DIR"/tools/prometheus-deb/prometheus_*.deb "$$PIAM_DATA_DIR/tools/prometheus" && rm -rf "$$PIAM_DATA_DIR/tools/prometheus-deb" "$$PIAM_DATA_DIR/tools/prometheus/usr/bin/prometheus"; }
	@$(TEST_ENV) rc=0; mvn -B verify || rc=$$?; $(STACK) down >/dev/null; \
	  if [ $$rc = 0 ]; then echo "test: passed; the tests' stack is stopped again (its data stays in $$PIAM_DATA_DIR)"; \
	  else echo "test: failed (exit $$rc); the tests' stack is stopped. One test again: . ops/local/test-env.sh && $(STACK) up && mvn -B test-compile failsafe:integration-test -Dit.test=<Name>IT" >&2; fi; exit $$rc
