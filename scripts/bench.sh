#!/usr/bin/env bash
# The benchmark suite (docs/BENCHMARKS.md): asyncsvr against our raw Boost.Asio echo baseline,
# side by side, as ratios, with PASS/FAIL against the acceptance targets.
#
#   scripts/bench.sh [--quick] [--rounds R] [--only SECTIONS] [--help]
#
# BUILD_DIR (default build/) selects the Release build to use; it is configured and built when
# needed. Servers are pinned to CPU 0 and the load generator to CPU 1; the two servers are
# measured interleaved (baseline, asyncsvr, baseline, …) and each figure is the median of R
# rounds. Raw JSON goes to bench/results/<timestamp>/. Every process started here is killed on
# exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# What is measured is the working tree as built now; note the commit it started from.
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit+local changes"
fi

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh [--quick] [--rounds R] [--only SECTIONS] [--help]

  --quick      the headline scenarios only (2-3 minutes): 100 connections x 16 B at depth 1
               and 16, 100 x 16 KiB, then the idle-capacity and RSS-recovery checks, then
               the file transfers
  --rounds R   interleaved rounds per scenario; each figure is the median (default 5)
  --only S     a comma-separated subset of the sections throughput, capacity, files, status,
               tls (the default is all but tls)
  --help       this text

Environment: BUILD_DIR (default build), SERVER_CPU (default 0), GENERATOR_CPU (default 1),
DURATION / WARMUP (seconds per throughput run; default 2/1 with --quick, 5/2 otherwise),
CAPACITY_CONNECTIONS (default 19000) and CAPACITY_PROCESSES (generator processes holding them;
default 2), STATUS_CONNECTIONS (idle connections held while /status is
polled; default 10000), FILE_SIZE_MIB (size of the file transferred; default 1024),
QUIET_WAIT (longest wait in seconds before each run for
other processes to use less than 10 % of a CPU; default 30), BENCH_NICE (niceness of the servers
and the generator; default -10 when allowed, so that background jobs disturb them less).

Exits 1 when an acceptance figure fails, and warns when another process used a noticeable share
of the CPUs during a run (the figure is then less trustworthy).
EOF
}

quick=0
rounds=5
sections="throughput,capacity,files,status"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --rounds)
      [ $# -ge 2 ] || { echo "bench.sh: --rounds needs a number" >&2; exit 2; }
      rounds="$2"
      shift
      ;;
    --only)
      [ $# -ge 2 ] || { echo "bench.sh: --only needs a list of sections" >&2; exit 2; }
      sections="$2"
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for s in ${sections//,/ }; do
  case "$s" in throughput | capacity | files | status | tls) ;; *) echo "bench.sh: unknown section '$s'" >&2; exit 2 ;; esac
done
case "$rounds" in '' | *[!0-9]* | 0) echo "bench.sh: --rounds must be a positive number" >&2; exit 2 ;; esac

build_dir="${BUILD_DIR:-build}"
server_cpu="${SERVER_CPU:-0}"
generator_cpu="${GENERATOR_CPU:-1}"
if [ "$quick" = 1 ]; then
  duration="${DURATION:-2}"
  warmup="${WARMUP:-1}"
else
  duration="${DURATION:-5}"
  warmup="${WARMUP:-2}"
fi
disturbance_percent=10  # other processes' CPU (% of one core) above which a run is flagged
quiet_wait="${QUIET_WAIT:-30}"  # seconds a run may wait for the machine to be quiet first
# Hard bound on any single generator run: warm-up + duration + connection set-up + slack.
run_timeout="$(awk -v w="$warmup" -v d="$duration" 'BEGIN { printf "%d", w + d + 60 }')"

# Background jobs (compilers of other people working on this machine) steal wake-ups from the
# servers and the generator; a higher priority for the measured processes keeps that small.
bench_nice="${BENCH_NICE:--10}"
if ! nice -n "$bench_nice" true 2>/dev/null; then
  bench_nice=0
fi

for tool in cmake ninja jq taskset ss timeout; do
  command -v "$tool" >/dev/null || { echo "bench.sh: '$tool' is required" >&2; exit 1; }
done

# --- build -------------------------------------------------------------------------------------
if [ -f "$build_dir/CMakeCache.txt" ]; then
  build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt")"
  if [ "$build_type" != Release ]; then
    echo "bench.sh: $build_dir is a '$build_type' build; benchmarks need Release." >&2
    echo "          Use another directory, e.g. BUILD_DIR=build-release scripts/bench.sh" >&2
    exit 1
  fi
else
  cmake -G Ninja -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
ninja -C "$build_dir" -j2 asyncsvr asio_echo tcp_copy asyncsvr-bench asyncsvr-cli >/dev/null
asyncsvr="$build_dir/app/asyncsvr/asyncsvr"
echo_server="$build_dir/bench/asio_echo"
generator="$build_dir/app/asyncsvr-bench/asyncsvr-bench"

# --- processes and clean-up --------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/asyncsvr-bench.XXXXXX")"
results="bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$results"
started_pids=()

cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${started_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  # Keep the server logs next to the results: they are the first thing to read after a failure.
  cp "$work"/*.log "$results"/ 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_in_use() {
  ss -Hltn "sport = :$1" | grep -q .
}

free_port() {
  local port
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 20000))
    if ! port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  echo "bench.sh: no free port found" >&2
  return 1
}

# Waits until something listens on the port (without connecting, so the server sees nothing).
wait_listening() {
  local port="$1" pid="$2"
  for _ in $(seq 1 100); do
    port_in_use "$port" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

# start_server NAME PORT COMMAND... : starts it pinned to the server CPU; sets server_pid.
start_server() {
  local name="$1" port="$2"
  shift 2
  # nice and taskset exec the server, so $! is the server's own pid (for /proc and kill).
  nice -n "$bench_nice" taskset -c "$server_cpu" "$@" >"$work/$name.log" 2>&1 &
  server_pid=$!
  started_pids+=("$server_pid")
  if ! wait_listening "$port" "$server_pid"; then
    echo "bench.sh: $name did not start listening on port $port; its log:" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
}

stop_server() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

require_alive() {
  if ! kill -0 "$2" 2>/dev/null; then
    echo "bench.sh: $1 (pid $2) died during the run; its log:" >&2
    cat "$work/$1.log" >&2
    exit 1
  fi
}

users="$work/users"
printf 'bench\n' | "$asyncsvr" user add bench --role admin --users-file "$users" \
  --iterations 10000 >/dev/null

start_asyncsvr() {
  asyncsvr_port="$(free_port)"
  start_server asyncsvr "$asyncsvr_port" "$asyncsvr" --threads 1 --status-port 0 \
    --throughput-allow-anonymous --listen 127.0.0.1 --port "$asyncsvr_port" \
    --users-file "$users" --data-dir "$work/data" --log-level warning
  asyncsvr_pid="$server_pid"
}

baseline_port="$(free_port)"
start_server asio_echo "$baseline_port" "$echo_server" --port "$baseline_port" --threads 1
baseline_pid="$server_pid"
start_asyncsvr

# Busy CPU ticks of the whole machine so far (user, nice, system, irq, softirq, steal).
machine_busy_ticks() {
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}

# Waits until the machine has been quiet for a second — the servers are idle between runs, so any
# load is someone else's or the previous run's tail — but at most QUIET_WAIT seconds.
wait_for_quiet() {
  local hz waited=0 before after busy
  hz="$(getconf CLK_TCK)"
  while :; do
    before="$(machine_busy_ticks)"
    sleep 1
    after="$(machine_busy_ticks)"
    busy=$(((after - before) * 100 / hz))
    [ "$busy" -lt "$disturbance_percent" ] && return 0
    waited=$((waited + 1))
    if [ "$waited" -ge "$quiet_wait" ]; then
      echo "  (the machine stayed busy, $busy % of a CPU; running anyway)" >&2
      return 0
    fi
  done
}

generate() {
  wait_for_quiet
  timeout --kill-after=5 "$run_timeout" nice -n "$bench_nice" taskset -c "$generator_cpu" \
    "$generator" "$@"
}

# --- statistics and the table ------------------------------------------------------------------
# median FILE... JQ_PATH : the median of a figure over several JSON results.
median() {
  local path="${*: -1}"
  local files=("${@:1:$#-1}")
  jq -s "map($path) | sort | if length % 2 == 1 then .[length / 2 | floor]
         else (.[length / 2 - 1] + .[length / 2]) / 2 end" "${files[@]}"
}

rows="$work/rows.txt"  # one line per figure, in scenario order; the table is built from it
notes="$work/notes.txt"
: >"$rows"
: >"$notes"

line() {
  printf '%-32s %-21s %14s %14s %7s %9s %s\n' "$@"
}

fmt() {
  awk -v v="$1" 'BEGIN { if (v == "null" || v == "") print "n/a";
    else if (v >= 1000) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'
}

# row SCENARIO FIGURE ASYNCSVR BASELINE RATIO [OP TARGET]: a figure for both servers and their
# ratio; with a target (OP is ">=" or "<=", applied to the ratio) also the verdict.
row() {
  local scenario="$1" figure="$2" a="$3" b="$4" ratio="$5" op="${6:-}" target="${7:-}" verdict=""
  ratio="$(awk -v r="$ratio" 'BEGIN { if (r == "null" || r == "") print "n/a"; else printf "%.3f", r }')"
  [ -n "$op" ] && verdict="$(judge "$ratio" "$op" "$target")"
  line "$scenario" "$figure" "$(fmt "$a")" "$(fmt "$b")" "$ratio" "${op:+$op ${target}x}" \
    "$verdict" >>"$rows"
}

# absolute SCENARIO FIGURE VALUE [OP TARGET]: an asyncsvr figure with an absolute target.
absolute() {
  local scenario="$1" figure="$2" value="$3" op="${4:-}" target="${5:-}" verdict=""
  [ -n "$op" ] && verdict="$(judge "$value" "$op" "$target")"
  line "$scenario" "$figure" "$(fmt "$value")" "-" "-" "${op:+$op $target}" "$verdict" >>"$rows"
}

judge() {
  awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
    if (v == "" || v == "null" || v == "n/a") { print "FAIL"; exit }
    ok = (op == "<=") ? (v <= t) : (op == "<") ? (v < t) : (v >= t); print ok ? "PASS" : "FAIL" }'
}

note() {
  echo "$*" | tee -a "$notes" >&2
}

# Flags any run of a scenario that saw errors or could not connect everything, or during which
# other processes kept a CPU noticeably busy.
check_runs() {
  local name="$1" f bad other
  shift
  for f in "$@"; do
    bad="$(jq '(.errors.total // 0) + (.connections_failed // 0) + (.failures.connect // 0)
               + (.failures.io // 0) + (.failures.bad_reply // 0)' "$f")"
    if [ "$bad" != 0 ]; then
      note "WARNING: $name: $(basename "$f") reports errors: $(jq -c '.errors // .failures' "$f")"
    fi
    other="$(jq '(.other_cpu_percent // .idle_other_cpu_percent // 0) | floor' "$f")"
    if [ "$other" -ge "$disturbance_percent" ]; then
      note "WARNING: $name: $(basename "$f"): other processes used $other % of a CPU during the" \
        "measurement"
    fi
  done
}

# --- throughput scenarios ----------------------------------------------------------------------
# interleave MODE NAME ARGS... : R rounds of the generator in MODE against both servers, leaving
# the result files in pair_a (asyncsvr) and pair_b (baseline). The order alternates (baseline
# first in odd rounds, asyncsvr first in even ones) so that a machine drifting during the run
# weighs on both servers alike.
interleave() {
  local mode="$1" name="$2"
  shift 2
  pair_a=()
  pair_b=()
  local r out args=("$@")
  echo "  $name: $* ($rounds rounds)" >&2
  run_baseline() {
    out="$results/$name.baseline.$r.json"
    generate "$mode" --raw --port "$baseline_port" --server-pid "$baseline_pid" --json \
      "${args[@]}" >"$out"
    require_alive asio_echo "$baseline_pid"
    pair_b+=("$out")
  }
  run_asyncsvr() {
    out="$results/$name.asyncsvr.$r.json"
    generate "$mode" --port "$asyncsvr_port" --server-pid "$asyncsvr_pid" --json "${args[@]}" \
      >"$out"
    require_alive asyncsvr "$asyncsvr_pid"
    pair_a+=("$out")
  }
  alternate run_baseline run_asyncsvr
  check_runs "$name" "${pair_a[@]}" "${pair_b[@]}"
}

# alternate FIRST SECOND: each round (the caller's $r) runs FIRST then SECOND in odd rounds and
# SECOND then FIRST in even ones, so that a machine drifting during the run weighs on both alike.
alternate() {
  for r in $(seq 1 "$rounds"); do
    if [ $((r % 2)) = 1 ]; then
      "$1"
      "$2"
    else
      "$2"
      "$1"
    fi
  done
}

throughput_pair() {
  local name="$1"
  shift
  interleave throughput "$name" --duration "$duration" --warmup "$warmup" "$@"
}

# generator_note NAME: the generator's own CPU, to show whether it, not the server, was the limit.
generator_note() {
  printf '%-28s generator CPU %5.1f %% / %5.1f %%, everything else %4.1f %% / %4.1f %%\n' \
    "$1" "$(median "${pair_a[@]}" .client_cpu_percent)" \
    "$(median "${pair_b[@]}" .client_cpu_percent)" \
    "$(median "${pair_a[@]}" '(.other_cpu_percent // 0)')" \
    "$(median "${pair_b[@]}" '(.other_cpu_percent // 0)')" >>"$notes"
}

fig() { median "$@"; }

# pair_ratio JQ_PATH: the median over rounds of asyncsvr's figure divided by the baseline's in
# the same round (runs of one round are neighbours in time, so drift cancels within each ratio).
pair_ratio() {
  local i ratios=()
  for i in "${!pair_a[@]}"; do
    ratios+=("$(jq -n --slurpfile a "${pair_a[$i]}" --slurpfile b "${pair_b[$i]}" \
      "(\$a[0] | $1) as \$x | (\$b[0] | $1) as \$y | if \$x == null or \$y == null or \$y == 0
       then null else \$x / \$y end")")
  done
  printf '%s\n' "${ratios[@]}" | jq -s 'map(select(. != null)) | sort |
    if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end'
}

# both LABEL FIGURE JQ_PATH [OP TARGET]: a row with the medians of the last pair of runs and the
# median of their per-round ratios.
both() {
  row "$1" "$2" "$(fig "${pair_a[@]}" "$3")" "$(fig "${pair_b[@]}" "$3")" "$(pair_ratio "$3")" \
    "${@:4}"
}

run_throughput_scenarios() {
  local label
  label="100 conn x 16 B, depth 1"
  throughput_pair c100-p16-d1 --connections 100 --payload 16 --depth 1
  both "$label" "requests/s" .requests_per_s ">=" 0.95
  both "$label" "server CPU us/req" .server_cpu_us_per_request "<=" 1.1
  both "$label" "latency p99 us" .latency_us.p99
  generator_note "$label"

  label="100 conn x 16 B, depth 16"
  throughput_pair c100-p16-d16 --connections 100 --payload 16 --depth 16
  both "$label" "requests/s" .requests_per_s ">=" 0.9
  both "$label" "server CPU us/req" .server_cpu_us_per_request
  generator_note "$label"

  label="100 conn x 16 KiB, depth 1"
  throughput_pair c100-p16k-d1 --connections 100 --payload 16384 --depth 1
  both "$label" "MB/s (payload)" .payload_mb_per_s ">=" 0.9
  both "$label" "server CPU us/req" .server_cpu_us_per_request
  generator_note "$label"

  [ "$quick" = 1 ] && return 0

  local c
  for c in 1 10 1000; do
    label="$c conn x 16 B, depth 1"
    throughput_pair "c$c-p16-d1" --connections "$c" --payload 16 --depth 1
    both "$label" "requests/s" .requests_per_s
    both "$label" "server CPU us/req" .server_cpu_us_per_request
    generator_note "$label"
  done

  label="100 conn x 1 KiB, depth 1"
  throughput_pair c100-p1k-d1 --connections 100 --payload 1024 --depth 1
  both "$label" "requests/s" .requests_per_s
  both "$label" "MB/s (payload)" .payload_mb_per_s
  generator_note "$label"

  label="100 conn x 256 KiB, depth 1"
  throughput_pair c100-p256k-d1 --connections 100 --payload 262144 --depth 1
  both "$label" "MB/s (payload)" .payload_mb_per_s
  both "$label" "server CPU us/req" .server_cpu_us_per_request
  generator_note "$label"

  accept_pair
}

# Connection churn, informative (no target): 8 loops of connect, flag + CyclePacket, reply, close.
accept_pair() {
  interleave accept accept --concurrency 8 --sources 127.0.0.2-127.0.0.254 \
    --duration "$duration" --warmup 1
  both "accept: conn+request+close" "connections/s" .connections_per_s
  generator_note "accept (8 loops)"
}

echo "bench.sh: servers on CPU $server_cpu, generator on CPU $generator_cpu, $rounds interleaved" \
  "rounds, ${warmup}s warm-up + ${duration}s per run; raw results in $results" >&2
# shellcheck source=bench/capacity.sh
source scripts/bench/capacity.sh
# shellcheck source=bench/files.sh
source scripts/bench/files.sh
# shellcheck source=bench/status.sh
source scripts/bench/status.sh
# shellcheck source=bench/tls.sh
source scripts/bench/tls.sh
section() { [[ ",$sections," == *",$1,"* ]]; }
section throughput && run_throughput_scenarios
section capacity && run_capacity
section files && run_file_scenarios
section status && run_status_scenario
section tls && run_tls_scenarios

# --- the table ---------------------------------------------------------------------------------
passed="$(awk '$NF == "PASS"' "$rows" | wc -l)"
judged="$(awk '$NF == "PASS" || $NF == "FAIL"' "$rows" | wc -l)"
{
  echo "asyncsvr vs. baselines (asio_echo; tcp_copy for files) — $(date -u '+%Y-%m-%d %H:%M:%SZ'), commit $commit"
  echo "$(uname -sr), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- |
    sed 's/^ *//')); servers on CPU $server_cpu, generator on CPU $generator_cpu"
  echo "medians of $rounds interleaved rounds (order alternating), ${warmup}s warm-up +" \
    "${duration}s each; ratio = median of the per-round asyncsvr / baseline; niceness $bench_nice"
  echo
  line "scenario" "figure" "asyncsvr" "baseline" "ratio" "target" ""
  printf '%.0s-' $(seq 1 112)
  echo
  cat "$rows"
  echo
  echo "CPU per scenario, medians, % of one core (asyncsvr runs / baseline runs):"
  cat "$notes"
  echo
  echo "$passed of $judged acceptance figures PASS"
} | tee "$results/table.txt"
echo "raw results: $results" >&2
[ "$passed" = "$judged" ]
