# Capacity and RSS recovery (sourced by scripts/bench.sh; uses its helpers): a freshly started
# asyncsvr holds CAPACITY_CONNECTIONS idle logged-in Control connections, heartbeating every
# 30 s, opened by CAPACITY_PROCESSES generator processes (a process may open at most
# RLIMIT_NOFILE descriptors, 20,000 here), each with its own share of 127.0.0.2-127.0.0.254 as
# source addresses. Reported: the server's RSS per connection (and its anonymous part), idle CPU,
# the heartbeat round trip (percentiles over every process's samples), the time to establish them
# all, the kernel's slab memory per connection while they are held, and how far RSS falls back in
# the 10 s after all close at once — then after a second, shorter burst.

capacity_connections="${CAPACITY_CONNECTIONS:-19000}"
capacity_processes="${CAPACITY_PROCESSES:-2}"
capacity_sources=127.0.0.2-127.0.0.254
capacity_hold=20
capacity_heartbeat=30
capacity_settle=3
recovery_seconds=10

# --- kernel memory -----------------------------------------------------------------------------
# kernel_snapshot FILE: every slab cache's active objects and object size, the kernel's slab
# total and TCP's socket buffer pages, as "name objects bytes-per-object" lines.
kernel_snapshot() {
  {
    awk 'NR > 2 { print $1, $2, $4 }' /proc/slabinfo
    awk '$1 == "Slab:" { print "meminfo-Slab", $2 * 1024, 1 }' /proc/meminfo
    awk '$1 == "TCP:" { for (i = 2; i < NF; i += 2) if ($i == "mem") print "tcp_mem-pages", $(i + 1), 1 }' \
      /proc/net/sockstat
  } >"$1"
}

# kernel_delta BEFORE DURING CONNECTIONS: the slabs that grew by at least 4 bytes per connection,
# largest first, with the objects per connection (2 = one per end: on loopback both ends of every
# connection are on this machine), their sum, and the kernel's own totals. Caches the kernel
# merged under one name (same object size and flags) are listed with the names they stand for.
# Only growth is summed: TIME_WAIT sockets of earlier runs expiring meanwhile are not the load's.
kernel_delta() {
  local n="$3" grown
  grown="$(join <(sort "$1") <(sort "$2") | awk -v n="$n" '$1 !~ /^(meminfo|tcp_mem)/ &&
    ($4 - $2) * $3 >= 4 * n { printf "%s %d %.2f %.0f\n", $1, $4 - $2, ($4 - $2) / n, ($4 - $2) * $3 / n }' |
    sort -k4,4nr)"
  echo "kernel memory per connection while $n are held (both ends; slab objects x object size):"
  printf '  %-22s %10s %9s %11s  %s\n' slab "objects +" "per conn" "B per conn" "merged with"
  while read -r name objects per bytes; do
    printf '  %-22s %10s %9s %11s  %s\n' "$name" "$objects" "$per" "$bytes" "$(slab_aliases "$name")"
  done <<<"$grown"
  awk '{ sum += $4 } END { printf "  %-22s %10s %9s %11.0f\n", "sum of the above", "", "", sum }' \
    <<<"$grown"
  # A proc inode per descriptor, with its dentry and security blob, is what listing /proc/PID/fd
  # costs (ps-like monitors do; this VM's supervisor does every few seconds): reclaimable, and
  # not the connections' own.
  join <(sort "$1") <(sort "$2") | awk -v n="$n" -v sum="$(awk '{ s += $4 } END { print s }' <<<"$grown")" '
    { size[$1] = $3 }
    $1 == "proc_inode_cache" { proc = $4 - $2 }
    END { if (proc > 0) printf "  %-22s %10s %9s %11.0f  (without %d proc inodes and their dentries)\n",
      "sum, sockets alone", "", "", sum - proc * (size["proc_inode_cache"] + size["dentry"] + size["lsm_inode_cache"]) / n, proc }'
  join <(sort "$1") <(sort "$2") | awk -v n="$n" '$1 == "TCP" && (($4 - $2) / n < 1.9 || ($4 - $2) / n > 2.1) {
    printf "  WARNING: %.2f TCP sockets per connection, not 2: other processes opened or closed" \
      " sockets meanwhile; these figures are not the connections'"'"' alone\n", ($4 - $2) / n }'
  join <(sort "$1") <(sort "$2") | awk -v n="$n" '
    $1 == "meminfo-Slab" { printf "  %-22s %10s %9s %11.0f  (/proc/meminfo Slab: all caches, with their own overhead)\n", "slab pages", "", "", ($4 - $2) / n }
    $1 == "tcp_mem-pages" { printf "  %-22s %10d %9s %11.0f  (/proc/net/sockstat TCP mem: socket buffers)\n", "tcp_mem pages", $4 - $2, "", ($4 - $2) * 4096 / n }'
}

# The other cache names a merged slab cache stands for (from /sys/kernel/slab's symlinks).
slab_aliases() {
  local target
  target="$(readlink "/sys/kernel/slab/$1" 2>/dev/null)" || return 0
  find /sys/kernel/slab -maxdepth 1 -lname "$target" -printf '%f\n' 2>/dev/null |
    grep -vx "$1" | sort | paste -sd, -
}

# kernel_sample_when_held PORT CONNECTIONS FILE: once the server on PORT has that many established
# connections and they have settled, snapshots the kernel's memory into FILE. (Counting the
# server's descriptors in /proc/PID/fd instead would itself allocate a proc inode and a dentry per
# descriptor.) Gives up after 2 minutes.
kernel_sample_when_held() {
  local port="$1" n="$2" file="$3"
  for _ in $(seq 1 240); do
    if [ "$(ss -Htn state established "( sport = :$port )" | wc -l)" -ge "$n" ]; then
      sleep "$capacity_settle"
      kernel_snapshot "$file"
      return 0
    fi
    sleep 0.5
  done
  return 1
}

# --- the bursts --------------------------------------------------------------------------------
# capacity_burst NAME HOLD [kernel]: holds the idle logged-in connections for HOLD seconds, then
# (the generator has closed them all) samples the server's RSS once a second for
# recovery_seconds. With "kernel", also snapshots the kernel's memory before the burst and while
# the connections are held, into NAME-kernel-before.txt and NAME-kernel-held.txt.
capacity_burst() {
  local name="$1" hold="$2" t sampler=""
  local out="$results/$name.json" samples="$results/$name-rss.txt"
  wait_for_quiet
  if [ "${3:-}" = kernel ]; then
    kernel_snapshot "$results/$name-kernel-before.txt"
    kernel_sample_when_held "$asyncsvr_port" "$capacity_connections" \
      "$results/$name-kernel-held.txt" &
    sampler=$!
    started_pids+=("$sampler")
  fi
  echo "  $name: $capacity_connections idle logged-in Control connections from" \
    "$capacity_processes processes, hold ${hold}s, heartbeat ${capacity_heartbeat}s" >&2
  timeout --kill-after=5 $((hold + 240)) nice -n "$bench_nice" taskset -c "$generator_cpu" \
    "$generator" capacity --port "$asyncsvr_port" --server-pid "$asyncsvr_pid" \
    --connections "$capacity_connections" --processes "$capacity_processes" --hold "$hold" \
    --settle "$capacity_settle" --heartbeat "$capacity_heartbeat" --sources "$capacity_sources" \
    --user bench --password bench --json >"$out"
  require_alive asyncsvr "$asyncsvr_pid"
  check_runs "$name" "$out"
  if [ -n "$sampler" ] && ! wait "$sampler"; then
    note "WARNING: $name: the connections never all existed at once; no kernel figures"
  fi
  echo "# seconds-after-close VmRSS-bytes RssAnon-bytes" >"$samples"
  for t in $(seq 1 "$recovery_seconds"); do
    sleep 1
    echo "$t $(awk '$1 == "VmRSS:" { r = $2 } $1 == "RssAnon:" { a = $2 }
      END { print r * 1024, a * 1024 }' "/proc/$asyncsvr_pid/status")" >>"$samples"
  done
  require_alive asyncsvr "$asyncsvr_pid"
}

# recovery_row LABEL NAME: RSS at the end of the window against the RSS before the burst; PASS
# when some sample inside the window is within 20 % of it.
recovery_row() {
  local label="$1" out="$results/$2.json" samples="$results/$2-rss.txt"
  local before peak final recovered_at fell_back
  before="$(jq .server_rss_before_bytes "$out")"
  peak="$(jq '[.server_rss_established_bytes, .server_rss_end_bytes] | max' "$out")"
  final="$(tail -n1 "$samples" | cut -d' ' -f2)"
  recovered_at="$(awk -v b="$before" '!/^#/ && $2 <= 1.2 * b { print $1; exit }' "$samples")"
  fell_back="$(awk -v b="$before" -v p="$peak" -v f="$final" \
    'BEGIN { if (p > b) printf "%.0f", 100 * (p - f) / (p - b); else print 100 }')"
  line "$label" "RSS MiB, ratio" \
    "$(awk -v v="$final" 'BEGIN { printf "%.1f", v / 1048576 }')" \
    "$(awk -v v="$before" 'BEGIN { printf "%.1f pre", v / 1048576 }')" \
    "$(awk -v f="$final" -v b="$before" 'BEGIN { printf "%.3f", f / b }')" "<= 1.2x" \
    "$([ -n "$recovered_at" ] && echo PASS || echo FAIL)" >>"$rows"
  note "$label: peak $(awk -v v="$peak" 'BEGIN { printf "%.1f", v / 1048576 }') MiB," \
    "fell back ${fell_back}% of the way to the pre-burst value in" \
    "${recovery_seconds}s${recovered_at:+ (within 20% after ${recovered_at}s)}; RSS each second:" \
    "$(awk '!/^#/ { printf "%s%.1f", sep, $2 / 1048576; sep = " " }' "$samples") MiB"
}

# The server's memory split while the connections were held (bytes per connection) and in all.
memory_note() {
  local out="$results/$1.json"
  note "$2: per connection RSS $(jq '.server_rss_per_connection_bytes | round' "$out") B," \
    "anonymous $(jq '.server_anon_per_connection_bytes | round' "$out") B (brk heap" \
    "$(jq '.server_heap_per_connection_bytes | round' "$out") B); while held: $(jq -r '
      .server_memory.established | "RSS \(.rss / 1048576 * 10 | round / 10) MiB = anonymous " +
      "\(.anon / 1048576 * 10 | round / 10) MiB (brk heap \(.heap / 1048576 * 10 | round / 10)" +
      " MiB) + file \(.file / 1048576 * 10 | round / 10) MiB"' "$out")"
}

run_capacity() {
  local hard_limit
  hard_limit="$(ulimit -Hn)"
  # asyncsvr raises its soft limit to the hard one itself; the generator's processes need the
  # same. One descriptor per connection, plus the server's own few.
  ulimit -n "$hard_limit"
  if [ $((capacity_connections + 64)) -gt "$hard_limit" ]; then
    echo "bench.sh: CAPACITY_CONNECTIONS=$capacity_connections needs more descriptors than" \
      "one process may open here ($hard_limit); lower it or raise the hard limit" \
      "(docs/BENCHMARKS.md, Scaling on a real host)" >&2
    exit 1
  fi
  # A fresh server, so that "before" is not inflated by buffers cached during the throughput runs
  # and the recovery check sees this burst alone. Its defaults admit the load: max_connections
  # 100,000, and max_connections_per_ip 1,000 against about 75 per source address here.
  stop_sides
  servers_config=""  # a later use_servers starts the throughput servers afresh
  start_asyncsvr

  capacity_burst capacity "$capacity_hold" kernel

  local out="$results/capacity.json" established closed label
  established="$(jq .established "$out")"
  closed="$(jq .closed_by_server "$out")"
  if [ "$established" != "$capacity_connections" ] || [ "$closed" != 0 ]; then
    note "WARNING: capacity: $established of $capacity_connections established," \
      "$(jq .failed "$out") failed, $closed closed by the server"
  fi
  label="$established idle Control conns"
  absolute "$label" "RSS bytes/conn" "$(jq .server_rss_per_connection_bytes "$out")" "<=" 1024
  absolute "$label" "RssAnon bytes/conn" "$(jq .server_anon_per_connection_bytes "$out")"
  absolute "$label" "server idle CPU %" "$(jq .idle_server_cpu_percent "$out")" "<" 3
  absolute "$label" "heartbeat RTT p99 us" "$(jq .heartbeat_rtt_us.p99 "$out")" "<" 50000
  absolute "$label" "establish all, s" "$(jq .establish_s "$out")"
  memory_note capacity "$label"
  note "$label: heartbeat RTT p50 $(jq '.heartbeat_rtt_us.p50 | round' "$out") us, p99.9" \
    "$(jq '.heartbeat_rtt_us.p999 | round' "$out") us over $(jq .heartbeat_rtt_us.samples "$out")" \
    "samples from $capacity_processes processes; generator CPU" \
    "$(jq '.idle_client_cpu_percent * 10 | round / 10' "$out") %, everything else" \
    "$(jq '.idle_other_cpu_percent * 10 | round / 10' "$out") %"
  if [ -s "$results/capacity-kernel-held.txt" ]; then
    kernel_delta "$results/capacity-kernel-before.txt" "$results/capacity-kernel-held.txt" \
      "$established" | tee "$results/capacity-kernel.txt" >&2
  fi
  recovery_row "RSS ${recovery_seconds}s after closing" capacity

  # The same burst again: what the first one left behind (Asio keeps its per-descriptor
  # records for reuse) is reused, so memory must not climb from burst to burst.
  capacity_burst capacity-repeat 5
  recovery_row "RSS after a repeated burst" capacity-repeat
}
