#!/usr/bin/env bash
# Makes a throw-away CA and a server certificate it signed, valid one day for 127.0.0.1 and
# localhost, for TLS tests and benchmarks: DIR/ca.pem, DIR/server.pem and DIR/server.key.
# Usage: scripts/test-certificate.sh DIR
set -euo pipefail
dir="${1:?usage: scripts/test-certificate.sh DIR}"
mkdir -p "$dir"
key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${key[@]}" -days 1 -subj /CN=asyncsvr-test-ca -keyout "$dir/ca.key" \
  -out "$dir/ca.pem" 2>/dev/null
openssl req "${key[@]}" -subj /CN=localhost -keyout "$dir/server.key" -out "$dir/server.csr" \
  2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/server.ext"
openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
  -days 1 -extfile "$dir/server.ext" -out "$dir/server.pem" 2>/dev/null
