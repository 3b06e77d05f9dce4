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
#
# TLS and SASL come from the runtime's own settings (docs/security.md), rendered into the connector's config:
#   MYSQL_SSL_MODE (disabled|required|verify-ca|verify-full) -> database.ssl.mode (disabled|required|verify_ca|
#   verify_identity); MYSQL_CA_FILE (PEM) -> database.ssl.truststore, a PKCS12 file made beside it with keytool
#   (the same path must hold it inside the Connect worker: mount the folder there).
#   KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_USER, KAFKA_CA_FILE -> the schema history's producer and
#   consumer (security.protocol, sasl.mechanism, sasl.jaas.config naming ${env:KAFKA_PASSWORD}: the worker resolves it,
#   the password never travels; ssl.truststore.type=PEM). The worker's own Kafka connection is the worker's config.
# RENDER_ONLY=1 prints the config that would be sent and contacts nothing.
set -e

CONNECT_HOST="${CONNECT_HOST:-localhost:8083}"
CONFIG_FILE="${CONFIG_FILE:-$(dirname "$0")/connector-config.json}"

render() {
  local ssl_mode="" truststore="" jaas=""
  case "${MYSQL_SSL_MODE:-}" in
    "" | disabled) ssl_mode="" ;;
    required) ssl_mode=required ;;
    verify-ca) ssl_mode=verify_ca ;;
    verify-full) ssl_mode=verify_identity ;;
    *) echo "MYSQL_SSL_MODE='${MYSQL_SSL_MODE}' must be disabled, required, verify-ca or verify-full (preferred falls back to plain text)" >&2
       return 2 ;;
  esac
  if [[ -n "$ssl_mode" && -n "${MYSQL_CA_FILE:-}" ]]; then
    truststore="${MYSQL_CA_FILE%.*}.p12"
    if [[ "${RENDER_ONLY:-0}" != 1 ]]; then
      rm -f "$truststore"
      keytool -importcert -noprompt -alias mysql-ca -file "$MYSQL_CA_FILE" -storetype PKCS12 -keystore "$truststore" \
        -storepass piam-public-ca >/dev/null || { echo "MYSQL_CA_FILE=$MYSQL_CA_FILE: keytool could not read it as a PEM certificate" >&2; return 2; }
    fi
  fi
  if [[ -n "${KAFKA_USER:-}" && "${KAFKA_SECURITY_PROTOCOL:-}" == SASL_* ]]; then
    local module=org.apache.kafka.common.security.scram.ScramLoginModule
    [[ "${KAFKA_SASL_MECHANISM:-PLAIN}" == PLAIN ]] && module=org.apache.kafka.common.security.plain.PlainLoginModule
    jaas="$module required username=\"${KAFKA_USER}\" password=\"\${env:KAFKA_PASSWORD}\";"
  fi
  jq --arg mode "$ssl_mode" --arg truststore "$truststore" --arg protocol "${KAFKA_SECURITY_PROTOCOL:-}" \
     --arg mechanism "${KAFKA_SASL_MECHANISM:-}" --arg jaas "$jaas" --arg kafkaCa "${KAFKA_CA_FILE:-}" '
    def clients(k; v): .config["schema.history.internal.producer." + k] = v | .config["schema.history.internal.consumer." + k] = v;
    (if $mode != "" then .config["database.ssl.mode"] = $mode else . end)
    | (if $truststore != "" then .config["database.ssl.truststore"] = $truststore
         | .config["database.ssl.truststore.password"] = "piam-public-ca" else . end)
    | (if $protocol != "" and $protocol != "PLAINTEXT" then clients("security.protocol"; $protocol) else . end)
    | (if $jaas != "" then clients("sasl.mechanism"; ($mechanism | if . == "" then "PLAIN" else . end)) | clients("sasl.jaas.config"; $jaas) else . end)
    | (if $kafkaCa != "" and ($protocol | endswith("SSL")) then clients("ssl.truststore.type"; "PEM") | clients("ssl.truststore.location"; $kafkaCa) else . end)
  ' "$CONFIG_FILE"
}

RENDERED="$(render)" || exit 2
if [[ "${RENDER_ONLY:-0}" == 1 ]]; then
  printf '%s\n' "$RENDERED"
  exit 0
fi

echo "Waiting for Debezium Connect to be ready..."
until curl -s "http://${CONNECT_HOST}/connectors" > /dev/null 2>&1; do
  sleep 2
done

CONNECTOR_NAME=$(jq -r '.name' <<<"$RENDERED")

# Check if connector exists
if curl -s "http://${CONNECT_HOST}/connectors/${CONNECTOR_NAME}" | grep -q '"name"'; then
  echo "Connector ${CONNECTOR_NAME} already exists, updating..."
  jq '.config' <<<"$RENDERED" | curl -s -X PUT -H "Content-Type: application/json" \
    -d @- "http://${CONNECT_HOST}/connectors/${CONNECTOR_NAME}/config"
else
  echo "Creating connector ${CONNECTOR_NAME}..."
  curl -s -X POST -H "Content-Type: application/json" \
    -d "$RENDERED" \
    "http://${CONNECT_HOST}/connectors"
fi

echo ""
echo "Connector status:"
curl -s "http://${CONNECT_HOST}/connectors/${CONNECTOR_NAME}/status" | jq .
