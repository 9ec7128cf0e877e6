#!/usr/bin/env bash
# A long mixed load against one asyncsvr, to show that nothing creeps: connection churn, idle
# logged-in connections heartbeating, echoes, uploads and downloads checked byte for byte, and a
# live log reader, all at once on loopback. Every 10 s it samples the server's RSS and
# descriptors; the echo load runs in one-minute slices, each with its own latency figures.
#
#   scripts/soak.sh [MINUTES]     (default 10)
#
# At the end it prints the samples and three verdicts: RSS drift (the peak of the last full
# minute against that of the second minute) < 5 %, descriptors back at their pre-load count once
# the load is gone, and every transfer intact. Exits 1 when one fails. BUILD_DIR (default build)
# must hold, or will get, a Release build. Results land in bench/results/soak-<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
[[ "$minutes" =~ ^[1-9][0-9]*$ ]] || { echo "usage: scripts/soak.sh [MINUTES]" >&2; exit 2; }
seconds=$((minutes * 60))

scripts/install-deps.sh
build_dir="${BUILD_DIR:-build}"
BUILD_DIR="$build_dir" scripts/build.sh Release asyncsvr asyncsvr-cli asyncsvr-bench >/dev/null
server="$build_dir/app/asyncsvr/asyncsvr"
cli="$build_dir/app/asyncsvr-cli/asyncsvr-cli"
bench="$build_dir/app/asyncsvr-bench/asyncsvr-bench"

out="bench/results/soak-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

printf 'soak\n' | "$server" user add soak --role admin --users-file "$work/users" \
  --iterations 10000 >/dev/null
export ASYNCSVR_USER=soak ASYNCSVR_PASSWORD=soak
"$server" --users-file "$work/users" --data-dir "$work/data" --listen 127.0.0.1 --port 0 \
  --status-port 0 --throughput-allow-anonymous --max-connections-per-ip 0 \
  --login-backoff-failures 0 --log-level info >"$out/server.log" 2>&1 &
server_pid=$!
pids+=("$server_pid")
for _ in $(seq 100); do grep -q "started" "$out/server.log" && break; sleep 0.1; done
port="$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out/server.log")"
[ -n "$port" ] || { echo "soak: the server did not start:" >&2; cat "$out/server.log" >&2; exit 1; }

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
descriptors() { find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
fds_before="$(descriptors)"
deadline=$(($(date +%s) + seconds))
left() { echo $((deadline - $(date +%s))); }

# Idle logged-in Control connections, heartbeating every 5 s, for the whole run.
"$bench" capacity --port "$port" --connections 2000 --hold "$seconds" --heartbeat 5 \
  --sources 127.0.0.2-127.0.0.254 --user soak --password soak --json >"$out/idle.json" &
pids+=("$!")
# Connection churn: connect, flag, one CyclePacket, close, from 4 loops.
"$bench" accept --port "$port" --duration "$seconds" --concurrency 4 --json \
  >"$out/churn.json" &
pids+=("$!")
# The live log, followed by an administrator (a Login line per churned connection feeds it).
"$cli" --port "$port" tail -f >"$out/tail.txt" 2>&1 &
pids+=("$!")
# Uploads and downloads of an 8 MiB file, each checked against the original.
head -c $((8 * 1024 * 1024)) /dev/urandom >"$work/payload.bin"
(
  n=0
  while [ "$(left)" -gt 20 ]; do
    n=$((n + 1))
    "$cli" --port "$port" upload "$work/payload.bin" >/dev/null
    rm -f "$work/back.bin"
    "$cli" --port "$port" download payload.bin "$work/back.bin" >/dev/null
    if cmp -s "$work/payload.bin" "$work/back.bin"; then echo "$n ok"; else echo "$n DIFFERS"; fi
  done
) >"$out/transfers.txt" 2>&1 &
pids+=("$!")
# Echoes in one-minute slices (the last one shorter), for latency drift.
(
  slice=1
  while [ "$(left)" -gt 15 ]; do
    d=$(($(left) - 10))
    [ "$d" -gt 60 ] && d=60
    "$bench" throughput --port "$port" --connections 20 --payload 64 --depth 1 \
      --duration "$d" --warmup 1 --json >"$out/echo.$slice.json"
    slice=$((slice + 1))
  done
) &
pids+=("$!")

echo "# seconds RSS-KiB descriptors" >"$out/samples.txt"
start=$(date +%s)
while [ "$(left)" -gt 0 ]; do
  sleep 10
  kill -0 "$server_pid" 2>/dev/null || { echo "soak: the server died" >&2; exit 1; }
  echo "$(($(date +%s) - start)) $(rss_kib) $(descriptors)" >>"$out/samples.txt"
done
# Let the loads end (they are bounded by the same deadline), then count descriptors again.
for p in "${pids[@]:1}"; do
  timeout 30 tail --pid="$p" -f /dev/null 2>/dev/null || kill "$p" 2>/dev/null || true
done
sleep 3
fds_after="$(descriptors)"

echo "soak: $minutes minutes against asyncsvr on 127.0.0.1:$port; raw results in $out"
echo
echo "seconds  RSS MiB  descriptors"
awk '!/^#/ { printf "%7d  %7.1f  %11d\n", $1, $2 / 1024, $3 }' "$out/samples.txt"
echo
echo "echo slices (20 connections x 64 B, depth 1): requests/s, p50 / p99 / p999 us"
for f in "$out"/echo.*.json; do
  jq -r '"  \(.requests_per_s | floor)  \(.latency_us.p50) / \(.latency_us.p99) / \(.latency_us.p999)   errors \(.errors.total)"' "$f"
done
echo "churn: $(jq -r '"\(.connections_per_s | floor) connections/s, failures \(.failures | add)"' "$out/churn.json")"
echo "idle: $(jq -r '"\(.established) established, \(.closed_by_server) closed by the server, heartbeat p99 \(.heartbeat_rtt_us.p99) us"' "$out/idle.json")"
echo "transfers: $(grep -c ' ok$' "$out/transfers.txt") intact, $(grep -c DIFFERS "$out/transfers.txt") differing"
echo "log lines followed: $(wc -l <"$out/tail.txt")"

status=0
verdict() {  # verdict TEXT OK
  if [ "$2" = 1 ]; then echo "PASS  $1"; else echo "FAIL  $1"; status=1; fi
}
# Creep, not noise: the highest RSS of the second minute against the highest of the last minute
# in which every load still ran (the loads wind down in the final 20 s).
peak() {  # peak FROM TO: the highest RSS sampled at FROM <= seconds < TO
  awk -v from="$1" -v to="$2" '!/^#/ && $1 >= from && $1 < to && $2 > m { m = $2 } END { print m + 0 }' \
    "$out/samples.txt"
}
if [ "$seconds" -ge 180 ]; then
  first="$(peak 60 120)"
  last="$(peak $((seconds - 80)) $((seconds - 20)))"
  drift="$(awk -v a="$first" -v b="$last" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')"
  verdict "RSS drift ${drift} % (peak of the second minute $((first / 1024)) MiB, of the last $((last / 1024)) MiB) < 5 %" \
    "$(awk -v d="$drift" 'BEGIN { print (d < 5) ? 1 : 0 }')"
else
  echo "(under three minutes: no RSS drift figure)"
fi
verdict "descriptors ${fds_before} before the load, ${fds_after} after it" \
  "$([ "$fds_after" -le "$fds_before" ] && echo 1 || echo 0)"
verdict "every transfer intact" "$([ "$(grep -c DIFFERS "$out/transfers.txt")" = 0 ] &&
  [ "$(grep -c ' ok$' "$out/transfers.txt")" -gt 0 ] && echo 1 || echo 0)"
exit "$status"
