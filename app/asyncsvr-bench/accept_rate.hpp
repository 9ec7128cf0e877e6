#pragma once
// The accept mode: connection churn. Each of --concurrency loops opens a connection, sends the
// Throughput flag and one anonymous CyclePacket (PROTOCOL.md §13.1), waits for the reply, closes
// and starts again; the figure is completed connections per second.

#include <cstdint>

#include "histogram.hpp"
#include "options.hpp"
#include "proc_stats.hpp"

namespace asyncsvr::bench {

struct accept_result {
  accept_options options;
  cpu_window::result window;           // the measured window: wall time and CPU
  std::uint64_t connections = 0;       // completed inside the window
  std::uint64_t connect_failures = 0;  // whole run
  std::uint64_t io_failures = 0;       // write / read failed or closed early
  std::uint64_t bad_replies = 0;
  latency_summary cycle;  // connect → reply (or → flag written)
};

accept_result run_accept(const accept_options& options);

}  // namespace asyncsvr::bench
