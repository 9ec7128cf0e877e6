# The io_uring build (sourced by scripts/bench.sh; uses its helpers): asyncsvr built with
# -DASYNCSVR_IO_URING=ON, where Boost.Asio drives every socket through io_uring, against the same
# epoll-built baselines as the throughput section, in rotation with them. URING_BUILD_DIR
# (default build-uring) is configured and built here when needed. No target: the issue asks to
# report the variant, and to keep it only if it wins.

run_uring_scenarios() {
  local dir="${URING_BUILD_DIR:-build-uring}" port
  if [ ! -f "$dir/CMakeCache.txt" ]; then
    cmake -G Ninja -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DASYNCSVR_IO_URING=ON \
      -DASYNCSVR_BUILD_TESTS=OFF -DASYNCSVR_BUILD_BENCH=OFF >/dev/null
  fi
  ninja -C "$dir" -j2 asyncsvr >/dev/null
  use_servers 1 pinned
  port="$(free_port)"
  start_server asyncsvr_uring "$port" "$dir/app/asyncsvr/asyncsvr" --threads 1 --status-port 0 \
    --throughput-allow-anonymous --listen 127.0.0.1 --port "$port" --users-file "$users" \
    --data-dir "$work/data-uring" --log-level warning
  side_port[asyncsvr_uring]="$port"
  side_pid[asyncsvr_uring]="$server_pid"

  local epoll_sides=("${sides[@]}")
  sides=(asyncsvr_uring "${epoll_sides[@]:1}")
  throughput_scenario uring-c100-p16-d1 "io_uring: 100 x 16 B, depth 1" 100 16 1
  throughput_scenario uring-c100-p16-d16 "io_uring: 100 x 16 B, depth 16" 100 16 16
  throughput_scenario uring-c100-p16k-d1 "io_uring: 100 x 16 KiB, depth 1" 100 16384 1
  sides=("${epoll_sides[@]}")
  stop_server "${side_pid[asyncsvr_uring]}"
  unset 'side_pid[asyncsvr_uring]' 'side_port[asyncsvr_uring]'
}
