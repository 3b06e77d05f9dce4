#!/bin/bash
# Stop, start, suspend or resume one route of the running runtime, or list them all, over remote JMX.
#   JMX_PORT=9010 ops/local/route.sh status
#   JMX_PORT=9010 ops/local/route.sh stop load-access-events
# The runtime must have been started with the same JMX_PORT (e.g. JMX_PORT=9010 make demo).
set -euo pipefail
cd "$(dirname "$0")/../.."
[[ -f target/piam-cdc.jar ]] || { echo "route.sh: target/piam-cdc.jar is missing; run 'make build'" >&2; exit 1; }
exec java -cp target/piam-cdc.jar com.piam.cdc.tools.RouteControl "$@"
