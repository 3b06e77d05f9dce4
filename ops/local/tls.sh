# Sourced by ops/local/stack.sh when STACK_SECURE=true: a throw-away CA of this stack and one server
# certificate for 127.0.0.1/localhost that MariaDB, Kafka and ClickHouse present. Made once per data folder,
# under $DATA/tls (keys 0600); `stack.sh reset` deletes them with the data. The runtime trusts the CA file:
# MYSQL_CA_FILE, KAFKA_CA_FILE, CLICKHOUSE_CA_FILE=$DATA/tls/ca.pem (docs/security.md).

# tls_material DIR: ca.pem, server.pem, server.key, server.p12 (+ server.p12.password) in DIR; kept when valid
# for at least another day.
tls_material() {
  local dir="$1" days=825
  mkdir -p "$dir"
  chmod 700 "$dir"
  if [[ -s "$dir/ca.pem" && -s "$dir/server.pem" && -s "$dir/server.p12" ]] &&
    openssl x509 -checkend 86400 -noout -in "$dir/server.pem" >/dev/null 2>&1; then
    return 0
  fi
  (
    umask 077
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" -subj "/CN=piam local stack CA" \
      -keyout "$dir/ca.key" -out "$dir/ca.pem" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" "extendedKeyUsage=serverAuth" \
      "keyUsage=critical,digitalSignature,keyEncipherment" >"$dir/server.ext"
    openssl x509 -req -sha256 -days "$days" -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" \
      -CAcreateserial -extfile "$dir/server.ext" -out "$dir/server.pem"
    head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$dir/server.p12.password"
    openssl pkcs12 -export -in "$dir/server.pem" -inkey "$dir/server.key" -certfile "$dir/ca.pem" -name server \
      -passout "file:$dir/server.p12.password" -out "$dir/server.p12"
    rm -f "$dir/server.csr" "$dir/server.ext" "$dir/ca.srl"
  ) >"$LOGS/tls.log" 2>&1 || die "tls: making the stack's CA and server certificate failed; see $LOGS/tls.log"
  chmod 644 "$dir/ca.pem" "$dir/server.pem"
  say "tls: made a CA and a server certificate for 127.0.0.1/localhost in $dir (trust $dir/ca.pem)"
}
