# File-transfer scenarios of scripts/bench.sh (sourced by it; uses its helpers): a 1 GiB upload
# and download over loopback against a raw TCP copy of the same file (bench/baselines/tcp_copy),
# interleaved round by round, and 100 concurrent 10 MiB uploads checked byte for byte. Files
# live on tmpfs (/dev/shm) so that the disk is not what is measured.

file_size_mib="${FILE_SIZE_MIB:-1024}"
concurrent_uploads=100
concurrent_size_mib=10

# seconds COMMAND...: runs it pinned to the generator CPU and prints its wall time in seconds.
seconds() {
  local start end
  start="$(date +%s%N)"
  nice -n "$bench_nice" taskset -c "$generator_cpu" "$@" >/dev/null
  end="$(date +%s%N)"
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", (e - s) / 1e9 }'
}

run_file_scenarios() {
  local data src cli port_a port_b pid_a pid_b r
  # Global, for the EXIT trap: bench.sh's own clean-up removes $work only, and this holds
  # gigabytes of tmpfs.
  shm="$(mktemp -d /dev/shm/asyncsvr-bench.XXXXXX)"
  trap 'rm -rf "$shm"; cleanup' EXIT
  data="$shm/asyncsvr" src="$shm/source.bin"
  mkdir -p "$data" "$shm/baseline" "$shm/fetched"
  head -c "$((file_size_mib * 1048576))" /dev/urandom >"$src"
  # A virtual machine backs guest memory on first touch, which makes the first writes of fresh
  # tmpfs pages several times slower than later ones. asyncsvr writes a new partial beside the
  # old file while tcp_copy truncates and reuses pages it just freed, so without this the figure
  # would compare the hypervisor's page faults, not the servers. Touch the memory once.
  head -c "$((8 * file_size_mib * 1048576))" /dev/zero >"$shm/warm-up" && rm "$shm/warm-up"
  cli=(env ASYNCSVR_PASSWORD=bench "$build_dir/app/asyncsvr-cli/asyncsvr-cli" --user bench)

  port_a="$(free_port)"
  start_server asyncsvr-files "$port_a" "$asyncsvr" --threads 1 --status-port 0 \
    --listen 127.0.0.1 --port "$port_a" --users-file "$users" --data-dir "$data" \
    --log-level warning
  pid_a="$server_pid"
  port_b="$(free_port)"
  start_server tcp_copy "$port_b" "$build_dir/bench/tcp_copy" serve --port "$port_b" \
    --dir "$shm/baseline"
  pid_b="$server_pid"

  echo "  files: ${file_size_mib} MiB upload and download, $rounds rounds" >&2
  local up_a=() up_b=() down_a=() down_b=()
  for r in $(seq 1 "$rounds"); do
    wait_for_quiet
    # Alternate which goes first, as the throughput scenarios do.
    if [ $((r % 2)) = 1 ]; then
      up_b+=("$(seconds "$build_dir/bench/tcp_copy" put --port "$port_b" f.bin "$src")")
      up_a+=("$(seconds "${cli[@]}" --port "$port_a" upload -d "" "$src")")
    else
      up_a+=("$(seconds "${cli[@]}" --port "$port_a" upload -d "" "$src")")
      up_b+=("$(seconds "$build_dir/bench/tcp_copy" put --port "$port_b" f.bin "$src")")
    fi
    rm -f "$shm/fetched/"*
    if [ $((r % 2)) = 1 ]; then
      down_b+=("$(seconds "$build_dir/bench/tcp_copy" get --port "$port_b" f.bin \
        "$shm/fetched/baseline.bin")")
      down_a+=("$(seconds "${cli[@]}" --port "$port_a" download source.bin \
        "$shm/fetched/asyncsvr.bin")")
    else
      down_a+=("$(seconds "${cli[@]}" --port "$port_a" download source.bin \
        "$shm/fetched/asyncsvr.bin")")
      down_b+=("$(seconds "$build_dir/bench/tcp_copy" get --port "$port_b" f.bin \
        "$shm/fetched/baseline.bin")")
    fi
    cmp -s "$src" "$data/files/source.bin" || note "WARNING: files: uploaded copy differs"
    cmp -s "$src" "$shm/fetched/asyncsvr.bin" || note "WARNING: files: downloaded copy differs"
  done
  require_alive asyncsvr-files "$pid_a"
  file_rows "${file_size_mib} MiB upload" up_a up_b
  file_rows "${file_size_mib} MiB download" down_a down_b
  stop_server "$pid_b"

  concurrent_upload_row "$port_a" "$data"
  stop_server "$pid_a"
  rm -rf "$shm"
}

# file_rows LABEL ASYNCSVR_TIMES BASELINE_TIMES: MB/s medians and the median per-round ratio.
file_rows() {
  local -n a="$2" b="$3"
  local i rates_a=() rates_b=() ratios=()
  for i in "${!a[@]}"; do
    rates_a+=("$(awk -v s="${a[$i]}" -v m="$file_size_mib" 'BEGIN { printf "%.1f", m * 1.048576 / s }')")
    rates_b+=("$(awk -v s="${b[$i]}" -v m="$file_size_mib" 'BEGIN { printf "%.1f", m * 1.048576 / s }')")
    ratios+=("$(awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { printf "%.4f", y / x }')")
  done
  row "$1" "MB/s vs raw TCP copy" "$(middle "${rates_a[@]}")" "$(middle "${rates_b[@]}")" \
    "$(middle "${ratios[@]}")" ">=" 0.8
  printf '%-28s seconds per round, asyncsvr: %s; tcp_copy: %s\n' "$1" "${a[*]}" "${b[*]}" >>"$notes"
}

middle() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# 100 uploads at once, each its own client process, each 10 MiB of different bytes.
concurrent_upload_row() {
  local port="$1" data="$2" dir="$shm/many" i start end pids=() failed=0 intact=0
  mkdir -p "$dir"
  for i in $(seq 1 "$concurrent_uploads"); do
    head -c "$((concurrent_size_mib * 1048576))" /dev/urandom >"$dir/part-$i.bin"
  done
  "${cli[@]}" --port "$port" mkdir many >/dev/null
  wait_for_quiet
  echo "  files: $concurrent_uploads concurrent uploads of ${concurrent_size_mib} MiB" >&2
  start="$(date +%s%N)"
  for i in $(seq 1 "$concurrent_uploads"); do
    nice -n "$bench_nice" taskset -c "$generator_cpu" "${cli[@]}" --port "$port" \
      upload -d many "$dir/part-$i.bin" >/dev/null 2>>"$work/concurrent.log" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do
    wait "$i" || failed=$((failed + 1))
  done
  end="$(date +%s%N)"
  for i in $(seq 1 "$concurrent_uploads"); do
    cmp -s "$dir/part-$i.bin" "$data/files/many/part-$i.bin" && intact=$((intact + 1))
  done
  [ "$failed" = 0 ] || note "WARNING: files: $failed uploads failed: $(head -c 2000 "$work/concurrent.log")"
  local label="$concurrent_uploads x ${concurrent_size_mib} MiB uploads"
  absolute "$label" "intact files" "$intact" ">=" "$concurrent_uploads"
  absolute "$label" "MB/s (all)" "$(awk -v s="$start" -v e="$end" -v n="$concurrent_uploads" \
    -v m="$concurrent_size_mib" 'BEGIN { printf "%.1f", n * m * 1.048576 / ((e - s) / 1e9) }')"
}
