#pragma once
// Server-wide counters behind Stats (PROTOCOL.md §15.5) and /status. Every limit that fires has
// a counter here (DESIGN.md habit 4).
//
// Thread-safety: every member may be updated and read from any thread.

#include <array>

#include "asyncsvr/net/close_reason.hpp"
#include "asyncsvr/net/counter.hpp"

namespace asyncsvr::net {

struct server_metrics {
  counter accepted;
  counter rejected_max_connections;
  counter rejected_max_connections_per_ip;
  counter accept_backoffs;          // accept paused for lack of descriptors (EMFILE/ENFILE)
  counter rejected_no_descriptors;  // peers shed through the spare descriptor meanwhile
  std::array<counter, close_reason_count> closed;

  counter bytes_in;
  counter bytes_out;
  counter frames_in;
  counter frames_out;
  counter protocol_errors;
  counter login_failures;
  counter log_lines_dropped;
  counter messages_dropped;
  counter backpressure_pauses;  // reading paused because the send queue passed high water
  high_water largest_send_queue;
  striped_level queued_bytes;  // waiting in every session's send queue right now
  gauge active_uploads;
  gauge active_downloads;

  void count_close(close_reason reason) noexcept { closed[static_cast<std::size_t>(reason)].add(); }
  std::uint64_t closed_count(close_reason reason) const noexcept {
    return closed[static_cast<std::size_t>(reason)].value();
  }
};

}  // namespace asyncsvr::net
