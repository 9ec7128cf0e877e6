# The cost of being watched (sourced by scripts/bench.sh; uses its helpers): with 10,000 idle
# logged-in connections held open and a throughput load running, asyncsvr is measured with and
# without a client fetching /status every 100 ms, interleaved round by round. The figure is the
# server's CPU time per request, which the poller's own CPU (on the generator's core) cannot
# distort; requests/s is shown too.

status_connections="${STATUS_CONNECTIONS:-10000}"

run_status_scenario() {
  local port status_port pid hold holder r out poller
  port="$(free_port)"
  status_port="$(free_port)"
  start_server asyncsvr-status "$port" "$asyncsvr" --threads 1 --status-port "$status_port" \
    --status-listen 127.0.0.1 --throughput-allow-anonymous --listen 127.0.0.1 --port "$port" \
    --users-file "$users" --data-dir "$work/data-status" --log-level warning
  pid="$server_pid"
  # awk, not $((...)): DURATION and WARMUP may be fractions of a second.
  hold="$(awk -v r="$rounds" -v w="$warmup" -v d="$duration" \
    'BEGIN { printf "%d", r * 2 * (w + d + 10) + 60 }')"
  echo "  status: $status_connections idle connections, throughput with and without /status" \
    "every 100 ms ($rounds rounds)" >&2
  timeout --kill-after=5 $((hold + 240)) taskset -c "$generator_cpu" "$generator" capacity \
    --port "$port" --connections "$status_connections" --hold "$hold" --heartbeat 30 \
    --sources 127.0.0.2-127.0.0.254 --user bench --password bench --json \
    >"$results/status-holder.json" &
  holder=$!
  started_pids+=("$holder")
  for _ in $(seq 1 240); do
    [ "$(curl -s "http://127.0.0.1:$status_port/status" | jq '.connections.current // 0')" \
      -ge "$status_connections" ] && break
    sleep 0.5
  done
  status_run() {  # status_run NAME: one throughput run, its JSON in $out
    out="$results/status-$1.$r.json"
    generate throughput --port "$port" --server-pid "$pid" --json --duration "$duration" \
      --warmup "$warmup" --connections 100 --payload 16 --depth 1 >"$out"
    require_alive asyncsvr-status "$pid"
  }
  with_poller() {
    # One curl for the whole run, ten requests a second on one kept-alive connection: a new
    # curl per request would cost the generator's core more than the server pays for /status.
    taskset -c "$generator_cpu" curl -s --rate 10/s \
      "http://127.0.0.1:$status_port/status?n=[1-100000]" >/dev/null &
    poller=$!
    status_run polled
    kill "$poller" 2>/dev/null || true
    wait "$poller" 2>/dev/null || true
    record polled "$out"
  }
  without_poller() {
    status_run quiet
    record quiet "$out"
  }
  begin_comparison polled quiet
  alternate without_poller with_poller
  kill "$holder" 2>/dev/null || true
  wait "$holder" 2>/dev/null || true
  stop_server "$pid"
  local all
  read -ra all <<<"${runs[*]}"
  check_runs status "${all[@]}"
  local label="${status_connections} conns, /status per 100 ms"
  # Here the "baseline" column is asyncsvr itself, unobserved.
  both "$label" "server CPU us/req" .server_cpu_us_per_request "<=" 1.02
  both "$label" "requests/s" .requests_per_s
}
