#!/bin/bash
# Idempotent Debezium connector registration (the spec's script), for users who run Kafka Connect
# instead of the runtime's embedded capture: start the runtime with CAPTURE_ENABLED=false and its
# consume routes read the connector's topics (same names, same record shape).
# Deletes: the spec's config had ExtractNewRecordState drop them (its default before Debezium 2.5),
# so deleted rows stayed in ClickHouse's views. "delete.tombstone.handling.mode": "rewrite" (2.5+)
# sends the deleted row with __deleted=true instead. The consume routes also apply a tombstone
# (key only) of cg_access_event, in any converter form; see docs/bad-data.md "Deletes".
# (An update PUTs only the "config" object: that is what Connect's /connectors/<name>/config takes.)
# The password is "${env:CAPTURE_PASSWORD}": the Connect worker resolves it from its own environment
# (EnvVarConfigProvider, set up in docker-compose.yml), so it never travels with this request.
set -e

CONNECT_HOST="${CONNECT_HOST:-localhost:8083}"
CONFIG_FILE="${CONFIG_FILE:-$(dirname "$0")/connector-config.json}"

echo "Waiting for Debezium Connect to be ready..."
until curl -s "http://${CONNECT_HOST}/connectors" > /dev/null 2>&1; do
  sleep 2
done

CONNECTOR_NAME=$(jq -r '.name' "$CONFIG_FILE")

# Check if connector exists
if curl -s "http://${CONNECT_HOST}/connectors/${CONNECTOR_NAME}" | grep -q '"name"'; then
  echo "Connector ${CONNECTOR_NAME} already exists, updating..."
  jq '.config' "$CONFIG_FILE" | curl -s -X PUT -H "Content-Type: application/json" \
    -d @- "http://${CONNECT_HOST}/connectors/${CONNECTOR_NAME}/config"
else
  echo "Creating connector ${CONNECTOR_NAME}..."
  curl -s -X POST -H "Content-Type: application/json" \
    -d @"$CONFIG_FILE" \
    "http://${CONNECT_HOST}/connectors"
fi

echo ""
echo "Connector status:"
curl -s "http://${CONNECT_HOST}/connectors/${CONNECTOR_NAME}/status" | jq .
