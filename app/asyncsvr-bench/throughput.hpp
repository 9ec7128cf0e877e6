#pragma once
// The throughput mode: --connections pipelines of --depth CyclePacket requests (PROTOCOL.md §13)
// against asyncsvr, or of raw echoed frames against a plain echo baseline (--raw).

#include <cstdint>
#include <optional>

#include "histogram.hpp"
#include "options.hpp"
#include "proc_stats.hpp"

namespace asyncsvr::bench {

struct throughput_errors {
  std::uint64_t connect = 0;      // connect or the greeting write failed
  std::uint64_t login = 0;        // Login answered with a non-zero Code
  std::uint64_t io = 0;           // read / write failed or the server closed mid-run
  std::uint64_t framing = 0;      // a reply broke §3.3
  std::uint64_t bad_reply = 0;    // not a [Response] to CyclePacket
  std::uint64_t bad_code = 0;     // Code ≠ 0
  std::uint64_t bad_count = 0;    // Count ≠ request Count + 1
  std::uint64_t bad_payload = 0;  // echoed payload length differs
  std::uint64_t disconnect = 0;   // a Disconnect notice arrived

  std::uint64_t total() const noexcept {
    return connect + login + io + framing + bad_reply + bad_code + bad_count + bad_payload +
           disconnect;
  }
  void merge(const throughput_errors& other) noexcept;
};

struct throughput_result {
  throughput_options options;
  std::size_t connections_ready = 0;  // connected (and logged in) before the warm-up
  std::size_t connections_failed = 0;
  std::size_t connections_lost = 0;  // ready, then closed by an error
  cpu_window::result window;         // the measured window: wall time and CPU
  std::uint64_t requests = 0;        // replies received inside the window
  std::uint64_t bytes_sent = 0;      // wire bytes inside the window, frames included
  std::uint64_t bytes_received = 0;
  latency_summary latency;
  throughput_errors errors;
};

throughput_result run_throughput(const throughput_options& options);

}  // namespace asyncsvr::bench
