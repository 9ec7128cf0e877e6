#!/usr/bin/env bash
# The status dashboard in headless Chromium: with two clients connected, the page served at GET /
# must show "2" in #connections after polling /status, render to a non-empty PNG, and name no
# other host (every other host is also made unresolvable for the browser, so the count can only
# come from this server). Skips (exit 77) when Chromium is not installed.
# Usage: dashboard.sh PATH_TO_ASYNCSVR
set -euo pipefail
bin="$1"

browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "SKIP: chromium is not installed (scripts/install-deps.sh installs it)"
  exit 77
fi

work="$(mktemp -d)"
server_pid=""
cleanup() {
  exec 3>&- 4>&- 2>/dev/null || true
  if [ -n "$server_pid" ]; then kill -9 "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=cli_common.sh
source "$(dirname "$0")/cli_common.sh"

printf 'pw\n' | "$bin" user add ops --role admin --users-file "$work/users" >/dev/null

# The status port has no "any free port" setting (0 turns it off): try random ones until one binds.
for _ in $(seq 10); do
  status_port=$((20000 + RANDOM % 40000))
  "$bin" --users-file "$work/users" --listen 127.0.0.1 --port 0 --status-port "$status_port" \
    --data-dir "$work/data" >"$work/log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do grep -q "status on" "$work/log" && break; sleep 0.05; done
  grep -q "status on" "$work/log" && break
  kill -9 "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
done
[ -n "$server_pid" ] || fail "server did not start: $(cat "$work/log")"
port="$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/log" | head -1 | cut -d: -f2)"

# Two Control connections (flag byte 8), held open while the browser looks.
exec 3<>"/dev/tcp/127.0.0.1/$port"
exec 4<>"/dev/tcp/127.0.0.1/$port"
printf '\x08' >&3
printf '\x08' >&4

url="http://127.0.0.1:$status_port/"
browse() {
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-dev-shm-usage --user-data-dir="$work/profile" \
    --host-resolver-rules="MAP * ~NOTFOUND , EXCLUDE 127.0.0.1" \
    --virtual-time-budget=5000 "$@" "$url" 2>"$work/browser.log"
}

browse --dump-dom >"$work/dom.html" || fail "chromium failed: $(tail -20 "$work/browser.log")"
grep -q '<b id="connections">2</b>' "$work/dom.html" ||
  fail "the dashboard does not show 2 connections: $(grep -o '<b id="connections">[^<]*</b>' "$work/dom.html")"
if grep -Eo "https?://[^\"' )]*" "$work/dom.html" | grep -v "^http://127.0.0.1:$status_port/"; then
  fail "the dashboard names another host"
fi

browse --window-size=1000,700 --screenshot="$work/shot.png" >/dev/null ||
  fail "chromium failed: $(tail -20 "$work/browser.log")"
[ -s "$work/shot.png" ] || fail "no screenshot"
[ "$(head -c 8 "$work/shot.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] ||
  fail "the screenshot is not a PNG"

echo "dashboard: ok"
