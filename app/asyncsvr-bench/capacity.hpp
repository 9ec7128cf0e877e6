#pragma once
// The capacity mode: many idle, logged-in Control connections (PROTOCOL.md §9) kept alive with
// spread-out Active heartbeats (§6.3), to measure what an idle connection costs the server. The
// connections are held by --processes child processes (one process may open only so many
// descriptors); this process measures the server and merges their figures.

#include <cstdint>
#include <optional>

#include "histogram.hpp"
#include "options.hpp"
#include "proc_stats.hpp"

namespace asyncsvr::bench {

struct capacity_result {
  capacity_options options;
  std::size_t established = 0;       // logged in
  std::size_t failed = 0;            // connect, greeting or Login failed
  std::size_t closed_by_server = 0;  // established, then closed by the server during the run
  std::size_t login_rejected = 0;    // subset of failed: Login answered with a non-zero Code
  double establish_seconds = 0;      // first connect to last Login reply
  std::uint64_t heartbeats_sent = 0;
  std::uint64_t heartbeats_skipped = 0;  // previous Active still unanswered when the next was due
  std::uint64_t heartbeat_errors = 0;    // Active answered with a non-zero Code
  latency_summary heartbeat_rtt;
  cpu_window::result idle;  // the hold after --settle: wall time and CPU
  // The server's memory before the first connect, --settle seconds after the last Login, and at
  // the end of the hold (connections still open).
  std::optional<process_memory> memory_before;
  std::optional<process_memory> memory_established;
  std::optional<process_memory> memory_end;
};

capacity_result run_capacity(const capacity_options& options);

}  // namespace asyncsvr::bench
