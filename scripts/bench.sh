#!/usr/bin/env bash
# The benchmark suite (docs/BENCHMARKS.md): asyncsvr against two echo baselines of our own, raw
# Boost.Asio (asio_echo) and raw epoll in C (epoll_echo), side by side, as ratios, with PASS/FAIL
# against the acceptance targets.
#
#   scripts/bench.sh [--quick] [--rounds R] [--only SECTIONS] [--matrix GROUPS] [--help]
#
# BUILD_DIR (default build/) selects the Release build to use; it is configured and built when
# needed. Servers are pinned to CPU 0 and the load generator to CPU 1 (except where a scenario
# says unpinned); the three servers are measured interleaved, the order rotating from round to
# round, and each figure is the median of R rounds. Raw JSON and plots go to
# bench/results/<timestamp>/. Every process started here is killed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
# What is measured is the working tree as built now; note the commit it started from.
commit="$(git rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit+local changes"
fi

usage() {
  cat <<'EOF'
Usage: scripts/bench.sh [--quick] [--rounds R] [--only SECTIONS] [--matrix GROUPS] [--help]

  --quick      short runs of the headline throughput group only, 2 rounds, then the other
               sections as usual (about 4 minutes)
  --rounds R   rounds per scenario, each running every server once, the order rotating from
               round to round; each figure is the median (default 5, 2 with --quick)
  --only S     a comma-separated subset of the sections throughput, capacity, files, status,
               tls, uring (the default is all but tls and uring; uring runs the headline
               scenarios with asyncsvr built for Asio's io_uring backend in URING_BUILD_DIR,
               default build-uring, against the same epoll baselines)
  --matrix G   a comma-separated subset of the throughput groups (default: all of them; with
               --quick: headline). Every scenario runs against asyncsvr, asio_echo and
               epoll_echo:
                 headline     100 connections x 16 B at depth 1 and 16, x 16 KiB and x 256 KiB,
                              depth 1 (the acceptance figures)
                 connections  1, 10, 1000 and 10000 connections x 16 B, depth 1 (with the
                              headline's 100: connections.png and p99.png)
                 payloads     100 connections x 1 KiB at depth 1 and 16
                 unpinned     100 x 16 B, depth 1, servers and generator on any CPU
                 threads      2 server threads, 100 x 16 B at depth 1 and 16; unpinned, since
                              two server threads on a 2-CPU machine share the generator's CPU
                 accept       connection churn (8 loops of connect, request, close)
               The full matrix takes about 20 minutes, the whole default run about 25.
  --help       this text

Environment: BUILD_DIR (default build), SERVER_CPU (default 0), GENERATOR_CPU (default 1),
DURATION / WARMUP (seconds per throughput run; default 2/1 with --quick, 3/1 otherwise),
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
rounds=""
sections="throughput,capacity,files,status"
matrix=""
all_groups="headline,connections,payloads,unpinned,threads,accept"
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
    --matrix)
      [ $# -ge 2 ] || { echo "bench.sh: --matrix needs a list of groups" >&2; exit 2; }
      matrix="$2"
      shift
      ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
for s in ${sections//,/ }; do
  case "$s" in throughput | capacity | files | status | tls | uring) ;; *) echo "bench.sh: unknown section '$s'" >&2; exit 2 ;; esac
done
if [ -z "$matrix" ]; then
  matrix="$all_groups"
  [ "$quick" = 1 ] && matrix=headline
fi
for g in ${matrix//,/ }; do
  [[ ",$all_groups," == *",$g,"* ]] || { echo "bench.sh: unknown group '$g'" >&2; exit 2; }
done
if [ -z "$rounds" ]; then
  rounds=5
  # Two rounds still put each server once before and once after another.
  [ "$quick" = 1 ] && rounds=2
fi
case "$rounds" in *[!0-9]* | 0) echo "bench.sh: --rounds must be a positive number" >&2; exit 2 ;; esac

build_dir="${BUILD_DIR:-build}"
pinned_server_cpu="${SERVER_CPU:-0}"
pinned_generator_cpu="${GENERATOR_CPU:-1}"
server_cpu="$pinned_server_cpu"
generator_cpu="$pinned_generator_cpu"
all_cpus="0-$(($(nproc) - 1))"
if [ "$quick" = 1 ]; then
  duration="${DURATION:-2}"
  warmup="${WARMUP:-1}"
else
  # 3 + 1 s keeps the full matrix (14 scenarios x 3 servers x 5 rounds) near 20 minutes.
  duration="${DURATION:-3}"
  warmup="${WARMUP:-1}"
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
ninja -C "$build_dir" -j2 asyncsvr asio_echo epoll_echo tcp_copy asyncsvr-bench asyncsvr-cli \
  >/dev/null
asyncsvr="$build_dir/app/asyncsvr/asyncsvr"
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

# start_asyncsvr [THREADS]: (re)starts the asyncsvr the throughput and capacity sections measure.
start_asyncsvr() {
  asyncsvr_port="$(free_port)"
  start_server asyncsvr "$asyncsvr_port" "$asyncsvr" --threads "${1:-1}" --status-port 0 \
    --throughput-allow-anonymous --listen 127.0.0.1 --port "$asyncsvr_port" \
    --users-file "$users" --data-dir "$work/data" --log-level warning
  asyncsvr_pid="$server_pid"
}

# The servers every throughput scenario runs against, asyncsvr first (the ratios' numerator);
# both baselines take the same command line.
sides=(asyncsvr asio_echo epoll_echo)
declare -A side_port=() side_pid=()
servers_config=""

# stop_sides: stops every server the throughput scenarios run against.
stop_sides() {
  local side
  for side in "${!side_pid[@]}"; do
    stop_server "${side_pid[$side]}"
  done
}

# use_servers THREADS pinned|unpinned: sets where servers and generator run and, unless they
# already run so, restarts the three servers with THREADS I/O threads.
use_servers() {
  local threads="$1" pinning="$2" side
  if [ "$pinning" = pinned ]; then
    server_cpu="$pinned_server_cpu"
    generator_cpu="$pinned_generator_cpu"
  else
    server_cpu="$all_cpus"
    generator_cpu="$all_cpus"
  fi
  [ "$servers_config" = "$threads $pinning" ] && return 0
  stop_sides
  start_asyncsvr "$threads"
  side_port[asyncsvr]="$asyncsvr_port"
  side_pid[asyncsvr]="$asyncsvr_pid"
  for side in "${sides[@]:1}"; do
    side_port[$side]="$(free_port)"
    start_server "$side" "${side_port[$side]}" "$build_dir/bench/$side" \
      --port "${side_port[$side]}" --threads "$threads"
    side_pid[$side]="$server_pid"
  done
  servers_config="$threads $pinning"
}
use_servers 1 pinned

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

# The throughput table's line: scenario, figure, one column per side, asyncsvr's ratio to each
# baseline, target, verdict.
rows3="$work/rows3.txt"
: >"$rows3"
line3() {
  printf '%-36s %-18s %10s %10s %10s %7s %7s %-28s %s\n' "$@"
}

fmt_ratio() {
  awk -v r="$1" 'BEGIN { if (r == "null" || r == "") print "n/a"; else printf "%.3f", r }'
}

fmt() {
  awk -v v="$1" 'BEGIN { if (v == "null" || v == "") print "n/a";
    else if (v >= 1000) printf "%.0f", v; else if (v >= 10) printf "%.1f", v; else printf "%.2f", v }'
}

# row SCENARIO FIGURE ASYNCSVR BASELINE RATIO [OP TARGET]: a figure for both servers and their
# ratio; with a target (OP is ">=" or "<=", applied to the ratio) also the verdict.
row() {
  local scenario="$1" figure="$2" a="$3" b="$4" ratio="$5" op="${6:-}" target="${7:-}" verdict=""
  ratio="$(fmt_ratio "$ratio")"
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

# --- comparisons -------------------------------------------------------------------------------
# A comparison runs the same load against several sides (servers, or one server in several
# conditions) and keeps each side's result files, one per round, in runs[SIDE] (space-separated;
# the paths have no spaces). The first side is the subject: ratios are it / another side.
declare -A runs=()
compared=()

# begin_comparison SIDE...: forgets the last comparison's runs.
begin_comparison() {
  local side
  compared=("$@")
  runs=()
  for side in "$@"; do
    runs[$side]=""
  done
}

# record SIDE FILE: one round's result of SIDE.
record() {
  runs[$1]+="${runs[$1]:+ }$2"
}

# side_figure SIDE JQ_PATH: the median of a figure over SIDE's rounds.
side_figure() {
  local files
  read -ra files <<<"${runs[$1]}"
  median "${files[@]}" "$2"
}

# ratio A B JQ_PATH: the median over rounds of A's figure divided by B's in the same round (the
# runs of one round are neighbours in time, so drift cancels within each ratio).
ratio() {
  local a b i ratios=()
  read -ra a <<<"${runs[$1]}"
  read -ra b <<<"${runs[$2]}"
  for i in "${!a[@]}"; do
    ratios+=("$(jq -n --slurpfile a "${a[$i]}" --slurpfile b "${b[$i]}" \
      "(\$a[0] | $3) as \$x | (\$b[0] | $3) as \$y | if \$x == null or \$y == null or \$y == 0
       then null else \$x / \$y end")")
  done
  printf '%s\n' "${ratios[@]}" | jq -s 'map(select(. != null)) | sort |
    if length == 0 then null elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end'
}

# alternate STEP...: runs every STEP once per round (the caller's $r), each round starting one
# further along the list (A B C, B C A, C A B, ...; for two: A B, B A), so that a machine
# drifting during the run weighs on every side alike. A STEP is a command and its arguments in
# one word.
alternate() {
  local n=$# i
  local -a steps=("$@") step
  for r in $(seq 1 "$rounds"); do
    for i in $(seq 0 $((n - 1))); do
      read -ra step <<<"${steps[$(((r - 1 + i) % n))]}"
      "${step[@]}"
    done
  done
}

# both LABEL FIGURE JQ_PATH [OP TARGET]: a row of the second table: the medians of the last
# comparison's two sides and the median of their per-round ratios.
both() {
  row "$1" "$2" "$(side_figure "${compared[0]}" "$3")" "$(side_figure "${compared[1]}" "$3")" \
    "$(ratio "${compared[0]}" "${compared[1]}" "$3")" "${@:4}"
}

# compare LABEL FIGURE JQ_PATH [BASELINE OP TARGET]...: a row of the throughput table: the
# medians of every side of the last comparison, the subject's ratio to each other side, and with
# targets (OP, ">=" or "<=", applied to the ratio to BASELINE) the verdict, PASS if all pass.
compare() {
  local label="$1" figure="$2" path="$3" side values=() ratios=() target="" verdict=""
  local -A ratio_to=()
  shift 3
  for side in "${compared[@]}"; do
    values+=("$(fmt "$(side_figure "$side" "$path")")")
  done
  for side in "${compared[@]:1}"; do
    ratio_to[$side]="$(fmt_ratio "$(ratio "${compared[0]}" "$side" "$path")")"
    ratios+=("${ratio_to[$side]}")
  done
  while [ $# -ge 3 ]; do
    target+="${target:+, }${1%_echo} $2 ${3}x"
    [ "$(judge "${ratio_to[$1]}" "$2" "$3")" = PASS ] && [ "$verdict" != FAIL ] && verdict=PASS ||
      verdict=FAIL
    shift 3
  done
  line3 "$label" "$figure" "${values[@]}" "${ratios[@]}" "$target" "$verdict" >>"$rows3"
}

# generator_note LABEL: the generator's own CPU in the last comparison, per side, to show whether
# it, not the server, was the limit.
generator_note() {
  local side own=() other=()
  for side in "${compared[@]}"; do
    own+=("$(printf '%.1f' "$(side_figure "$side" .client_cpu_percent)")")
    other+=("$(printf '%.1f' "$(side_figure "$side" '(.other_cpu_percent // 0)')")")
  done
  local IFS=/
  printf '%-36s generator CPU %s %%, everything else %s %% (%s)\n' "$1" "${own[*]}" \
    "${other[*]}" "${compared[*]}" >>"$notes"
}

# --- throughput scenarios ----------------------------------------------------------------------
# interleave MODE NAME ARGS... : R rounds of the generator in MODE against every side (the
# baselines with --raw), leaving the comparison in runs[].
interleave() {
  local mode="$1" name="$2" side r steps=()
  shift 2
  local args=("$@")
  echo "  $name: $* ($rounds rounds)" >&2
  begin_comparison "${sides[@]}"
  for side in "${sides[@]}"; do
    steps+=("run_side $side")
  done
  alternate "${steps[@]}"
  local all
  read -ra all <<<"${runs[*]}"
  check_runs "$name" "${all[@]}"
}

# run_side SIDE: one run of interleave's load (its mode, name, args and round) against SIDE.
run_side() {
  local side="$1" out="$results/$name.$1.$r.json" raw=()
  [[ "$side" == asyncsvr* ]] || raw=(--raw)  # the baselines echo bytes, not frames
  generate "$mode" "${raw[@]}" --port "${side_port[$side]}" --server-pid "${side_pid[$side]}" \
    --json "${args[@]}" >"$out"
  require_alive "$side" "${side_pid[$side]}"
  record "$side" "$out"
}

# scenario_rows LABEL [FIGURE:BASELINE:OP:TARGET]...: the rows of the last comparison; FIGURE
# (reqs, cpu or mbs) names the row a target applies to.
scenario_rows() {
  local label="$1" spec figure baseline op target
  local -A targets=([reqs]="" [cpu]="" [mbs]="")
  shift
  for spec in "$@"; do
    IFS=: read -r figure baseline op target <<<"$spec"
    targets[$figure]+="$baseline $op $target "
  done
  local -a reqs cpu mbs
  read -ra reqs <<<"${targets[reqs]}"
  read -ra cpu <<<"${targets[cpu]}"
  read -ra mbs <<<"${targets[mbs]}"
  compare "$label" "requests/s" .requests_per_s "${reqs[@]}"
  compare "$label" "server CPU us/req" .server_cpu_us_per_request "${cpu[@]}"
  compare "$label" "MB/s (payload)" .payload_mb_per_s "${mbs[@]}"
  compare "$label" "latency p50 us" .latency_us.p50
  compare "$label" "latency p99 us" .latency_us.p99
  compare "$label" "latency p999 us" .latency_us.p999
  generator_note "$label"
}

many_sources=127.0.0.2-127.0.0.254

# throughput_scenario NAME LABEL CONNECTIONS PAYLOAD DEPTH [TARGET...]: one scenario against the
# servers in use, and its rows (TARGET as for scenario_rows).
throughput_scenario() {
  local name="$1" label="$2" connections="$3" payload="$4" depth="$5" spread=()
  shift 5
  # From a thousand connections on, three servers round after round would leave one source
  # address short of ports outside TIME_WAIT, and asyncsvr limits connections per address.
  [ "$connections" -ge 1000 ] && spread=(--sources "$many_sources")
  interleave throughput "$name" --duration "$duration" --warmup "$warmup" \
    --connections "$connections" --payload "$payload" --depth "$depth" "${spread[@]}"
  scenario_rows "$label" "$@"
}

# sweep_point CONNECTIONS: the last comparison's requests/s and p99 for the plots, one line each:
# connections, then one median per side.
sweep_point() {
  local side reqs=("$1") p99=("$1")
  for side in "${compared[@]}"; do
    reqs+=("$(side_figure "$side" .requests_per_s)")
    p99+=("$(side_figure "$side" .latency_us.p99)")
  done
  echo "${reqs[*]}" >>"$results/connections-requests.dat"
  echo "${p99[*]}" >>"$results/connections-p99.dat"
}

group() { [[ ",$matrix," == *",$1,"* ]]; }

run_throughput_scenarios() {
  local c
  use_servers 1 pinned
  if group headline; then
    throughput_scenario c100-p16-d1 "100 conn x 16 B, depth 1" 100 16 1 \
      reqs:asio_echo:">=":1.0 cpu:asio_echo:"<=":1.0
    sweep_point 100
    throughput_scenario c100-p16-d16 "100 conn x 16 B, depth 16" 100 16 16 \
      reqs:asio_echo:">=":1.0 reqs:epoll_echo:">=":0.9
    throughput_scenario c100-p16k-d1 "100 conn x 16 KiB, depth 1" 100 16384 1 \
      mbs:asio_echo:">=":0.95
    throughput_scenario c100-p256k-d1 "100 conn x 256 KiB, depth 1" 100 262144 1 \
      mbs:asio_echo:">=":0.95
  fi
  if group connections; then
    for c in 1 10 1000 10000; do
      throughput_scenario "c$c-p16-d1" "$c conn x 16 B, depth 1" "$c" 16 1
      sweep_point "$c"
    done
  fi
  if group payloads; then
    throughput_scenario c100-p1k-d1 "100 conn x 1 KiB, depth 1" 100 1024 1
    throughput_scenario c100-p1k-d16 "100 conn x 1 KiB, depth 16" 100 1024 16
  fi
  group accept && accept_scenario
  if group unpinned; then
    use_servers 1 unpinned
    throughput_scenario c100-p16-d1-unpinned "100 x 16 B, d1, unpinned" 100 16 1
  fi
  if group threads; then
    use_servers 2 unpinned
    throughput_scenario c100-p16-d1-t2 "100 x 16 B, d1, 2 thr (unpinned)" 100 16 1
    throughput_scenario c100-p16-d16-t2 "100 x 16 B, d16, 2 thr (unpinned)" 100 16 16
  fi
  # The sections after this one expect one-thread servers on the pinned CPUs.
  use_servers 1 pinned
}

# Connection churn, informative (no target): 8 loops of connect, flag + CyclePacket, reply, close.
accept_scenario() {
  interleave accept accept --concurrency 8 --sources "$many_sources" --duration "$duration" \
    --warmup 1
  compare "accept: conn+request+close" "connections/s" .connections_per_s
  generator_note "accept (8 loops)"
}

# plot_sweep: requests/s and p99 latency against connections, one line per server, as PNGs in
# the results directory (when gnuplot is there and the sweep has at least two points).
plot_sweep() {
  local data="$results/connections-requests.dat"
  [ -f "$data" ] && [ "$(wc -l <"$data")" -ge 2 ] || return 0
  if ! command -v gnuplot >/dev/null; then
    note "(no gnuplot: plots skipped; scripts/install-deps.sh installs it)"
    return 0
  fi
  sort -n -o "$data" "$data"
  sort -n -o "$results/connections-p99.dat" "$results/connections-p99.dat"
  draw_sweep connections.png "$data" "requests/s" "requests per second, 16 B, depth 1"
  draw_sweep p99.png "$results/connections-p99.dat" "p99 latency, µs" \
    "p99 latency, 16 B, depth 1 (log scale)" "set logscale y"
}

# draw_sweep PNG DATA YLABEL TITLE [GNUPLOT...]: one line per side against log-scale connections.
draw_sweep() {
  local png="$1" data="$2" ylabel="$3" title="$4" i plots=()
  for i in "${!sides[@]}"; do
    plots+=("'$data' using 1:$((i + 2)) with linespoints title '${sides[$i]}'")
  done
  local IFS=,
  gnuplot <<PLOT
set terminal pngcairo noenhanced size 800,500 font ",10"
set output '$results/$png'
set title '$title'
set xlabel 'connections'
set ylabel '$ylabel'
set logscale x
set grid
set format y "%.0f"
set key top right
${5:-}
plot ${plots[*]}
PLOT
}

echo "bench.sh: servers on CPU $server_cpu, generator on CPU $generator_cpu (unless a scenario says" \
  "unpinned), $rounds rounds, ${warmup}s warm-up + ${duration}s per run; results in $results" >&2
# shellcheck source=bench/capacity.sh
source scripts/bench/capacity.sh
# shellcheck source=bench/files.sh
source scripts/bench/files.sh
# shellcheck source=bench/status.sh
source scripts/bench/status.sh
# shellcheck source=bench/tls.sh
source scripts/bench/tls.sh
# shellcheck source=bench/uring.sh
source scripts/bench/uring.sh
section() { [[ ",$sections," == *",$1,"* ]]; }
# `if`, not `section X && run_X`: set -e does not reach into a function called from an && list,
# so a failing step would not stop the run.
if section throughput; then
  run_throughput_scenarios
  plot_sweep
fi
if section capacity; then run_capacity; fi
if section files; then run_file_scenarios; fi
if section status; then run_status_scenario; fi
if section tls; then run_tls_scenarios; fi
if section uring; then run_uring_scenarios; fi

# --- the table ---------------------------------------------------------------------------------
passed="$(cat "$rows3" "$rows" | awk '$NF == "PASS"' | wc -l)"
judged="$(cat "$rows3" "$rows" | awk '$NF == "PASS" || $NF == "FAIL"' | wc -l)"
{
  echo "asyncsvr vs. baselines (asio_echo and epoll_echo; tcp_copy for files) —" \
    "$(date -u '+%Y-%m-%d %H:%M:%SZ'), commit $commit"
  echo "$(uname -sr), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- |
    sed 's/^ *//')); servers on CPU $pinned_server_cpu, generator on CPU $pinned_generator_cpu" \
    "unless the scenario says unpinned"
  echo "medians of $rounds rounds (each server once per round, the order rotating), ${warmup}s" \
    "warm-up + ${duration}s each; ratio = median of the per-round asyncsvr / baseline;" \
    "niceness $bench_nice"
  if [ -s "$rows3" ]; then
    echo
    line3 "scenario" "figure" "asyncsvr" "asio_echo" "epoll_echo" "/asio" "/epoll" "target" ""
    printf '%.0s-' $(seq 1 136)
    echo
    cat "$rows3"
  fi
  if [ -s "$rows" ]; then
    echo
    line "scenario" "figure" "asyncsvr" "baseline" "ratio" "target" ""
    printf '%.0s-' $(seq 1 112)
    echo
    cat "$rows"
  fi
  echo
  echo "CPU per scenario, medians, % of one core (runs against each server, in the order named):"
  cat "$notes"
  echo
  echo "$passed of $judged acceptance figures PASS"
} | tee "$results/table.txt"
echo "raw results: $results" >&2
[ "$passed" = "$judged" ]
