#!/usr/bin/env bash
# The asyncsvr binary as an operator meets it: --help, --version, bad options, the users
# command, start-up failures with clear messages, and a clean exit on SIGTERM and SIGINT.
# Usage: cli_smoke.sh PATH_TO_ASYNCSVR
set -euo pipefail
bin="$1"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=cli_common.sh
source "$(dirname "$0")/cli_common.sh"

expect_exit 0 "--max-packet-size" -- "$bin" --help
expect_exit 0 "--idle-timeout" -- "$bin" --help
expect_exit 0 "^asyncsvr [0-9]" -- "$bin" --version
expect_exit 2 "idle-timeout" -- "$bin" --idle-timeout 5x
expect_exit 2 "max-packet-size" -- "$bin" --max-packet-size 12Q
expect_exit 2 "no-such-option" -- "$bin" --no-such-option
expect_exit 1 "does not exist" -- "$bin" --users-file "$work/missing" --port 0 --status-port 0

printf 'hunter2\n' | "$bin" user add ops --role admin --users-file "$work/users" >/dev/null
expect_exit 2 "already exists" -- sh -c "printf 'x\n' | '$bin' user add ops --role user --users-file '$work/users'"
[ "$(stat -c %a "$work/users")" = "600" ] || fail "users file is not mode 600"

# Port 0 picks a free port; the log tells us which.
for signal in TERM INT; do
  "$bin" --users-file "$work/users" --listen 127.0.0.1 --port 0 --status-port 0 \
    --data-dir "$work/data" >"$work/log" 2>&1 &
  server_pid=$!
  # Up to 30 s: a sanitizer build on a loaded machine starts slowly.
  for _ in $(seq 600); do grep -q "started" "$work/log" && break; sleep 0.05; done
  grep -q "listening on 127.0.0.1:" "$work/log" || fail "server did not start: $(cat "$work/log")"
  kill -"$signal" "$server_pid"
  set +e
  timeout 15 tail --pid="$server_pid" -f /dev/null
  wait "$server_pid"
  status=$?
  set -e
  server_pid=""
  [ "$status" -eq 0 ] || fail "SIG$signal: server exited $status: $(cat "$work/log")"
  grep -q "stopped" "$work/log" || fail "SIG$signal: no 'stopped' line: $(cat "$work/log")"
done
echo "cli smoke: ok"
