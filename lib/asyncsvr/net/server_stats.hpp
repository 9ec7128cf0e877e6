#pragma once
// One consistent-enough reading of the server's counters, for Stats (PROTOCOL.md §15.5) and
// /status. Counters are read one by one without a global lock, so figures taken while traffic
// flows may disagree by the few events that happened in between.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "asyncsvr/memory/buffer_pool.hpp"
#include "asyncsvr/net/close_reason.hpp"
#include "asyncsvr/net/server_context.hpp"

namespace asyncsvr::net {

struct protocol_count {
  std::uint8_t flag;
  std::string_view name;
  std::uint64_t sessions;
};

struct server_stats {
  std::string_view version;
  std::uint64_t uptime_seconds = 0;
  unsigned threads = 0;
  std::uint64_t connections = 0;  // all states, handshakes included
  std::uint64_t handshakes = 0;
  std::vector<protocol_count> protocols;
  std::uint64_t connections_total = 0;
  std::uint64_t rejected_max_connections = 0;
  std::uint64_t rejected_max_connections_per_ip = 0;
  std::uint64_t rejected_no_descriptors = 0;
  std::uint64_t accept_backoffs = 0;
  std::array<std::uint64_t, close_reason_count> closed{};
  std::uint64_t active_uploads = 0;
  std::uint64_t active_downloads = 0;
  std::uint64_t bytes_in = 0;
  std::uint64_t bytes_out = 0;
  std::uint64_t frames_in = 0;
  std::uint64_t frames_out = 0;
  std::uint64_t protocol_errors = 0;
  std::uint64_t login_failures = 0;
  std::uint64_t login_backoffs = 0;
  std::uint64_t login_backoff_addresses = 0;
  std::uint64_t log_lines_dropped = 0;
  std::uint64_t messages_dropped = 0;
  std::uint64_t backpressure_pauses = 0;
  std::uint64_t largest_send_queue = 0;
  std::uint64_t queued_bytes = 0;  // in every send queue now
  memory::buffer_pool_stats buffers;
  memory::object_pools_stats objects;
};

server_stats collect_stats(const server_context& context, unsigned threads);

// Sessions of the protocol with this flag, 0 when none is registered under it.
std::uint64_t sessions_of(const server_stats& stats, std::uint8_t flag) noexcept;

}  // namespace asyncsvr::net
