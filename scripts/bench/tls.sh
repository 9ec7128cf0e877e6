# What TLS costs (sourced by scripts/bench.sh; uses its helpers): one asyncsvr with a plain and a
# TLS port, the same throughput load on each, interleaved round by round. The "baseline" column
# is asyncsvr over plain TCP; there is no target, the ratios say what encryption adds.

run_tls_scenarios() {
  local port tls_port pid dir="$work/tls"
  mkdir -p "$dir"
  scripts/test-certificate.sh "$dir"  # the generator does not check it
  port="$(free_port)"
  tls_port="$(free_port)"
  start_server asyncsvr-tls "$port" "$asyncsvr" --threads 1 --status-port 0 \
    --throughput-allow-anonymous --listen 127.0.0.1 --port "$port" --tls-port "$tls_port" \
    --tls-certificate-file "$dir/server.pem" --tls-private-key-file "$dir/server.key" \
    --users-file "$users" --data-dir "$work/data-tls" --log-level warning
  pid="$server_pid"

  tls_pair() {  # tls_pair NAME ARGS...: interleaved runs over TLS and plain
    local name="$1" r out all
    shift
    begin_comparison tls plain
    echo "  tls-$name: $* ($rounds rounds)" >&2
    run_over() {  # run_over PORT KIND [--tls]
      out="$results/tls-$name.$2.$r.json"
      generate throughput --port "$1" --server-pid "$pid" --json --duration "$duration" \
        --warmup "$warmup" "${@:3}" "${args[@]}" >"$out"
      require_alive asyncsvr-tls "$pid"
    }
    run_plain() { run_over "$port" plain && record plain "$out"; }
    run_tls() { run_over "$tls_port" tls --tls && record tls "$out"; }
    local args=("$@")
    alternate run_plain run_tls
    read -ra all <<<"${runs[*]}"
    check_runs "tls-$name" "${all[@]}"
  }

  local label="TLS: 100 conn x 16 B, depth 1"
  tls_pair c100-p16-d1 --connections 100 --payload 16 --depth 1
  both "$label" "requests/s" .requests_per_s
  both "$label" "server CPU us/req" .server_cpu_us_per_request
  generator_note "$label"
  label="TLS: 100 conn x 16 KiB, depth 1"
  tls_pair c100-p16k-d1 --connections 100 --payload 16384 --depth 1
  both "$label" "MB/s (payload)" .payload_mb_per_s
  both "$label" "server CPU us/req" .server_cpu_us_per_request
  generator_note "$label"
  stop_server "$pid"
}
