#pragma once
// What every connection shares: settings, the pool, the registry, counters and services. Owned by
// `server`; sessions hold a reference and never outlive it (the server joins its threads first).

#include <atomic>
#include <chrono>

#include <boost/asio/io_context.hpp>

#include "asyncsvr/codec/frame_decoder.hpp"
#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/memory/buffer_pool.hpp"
#include "asyncsvr/memory/object_pools.hpp"
#include "asyncsvr/net/address_counts.hpp"
#include "asyncsvr/net/deadline_wheel.hpp"
#include "asyncsvr/net/io_types.hpp"
#include "asyncsvr/net/server_metrics.hpp"
#include "asyncsvr/net/session_registry.hpp"

namespace asyncsvr::auth {
class login_service;
}
namespace asyncsvr::files {
class file_store;
}

namespace asyncsvr::net {

class protocol_registry;

struct server_context {
  const server_config& config;
  boost::asio::io_context& io;
  memory::buffer_pool& pool;
  memory::object_pools& objects;  // sessions and handshakes live here
  session_registry& registry;
  deadline_wheel& deadlines;    // wakes sessions for their timeouts
  address_counts& per_address;  // max_connections_per_ip: a place per live connection
  server_metrics& metrics;
  auth::login_service& logins;
  files::file_store& files;
  const protocol_registry& protocols;
  codec::frame_limits limits;
  // Only one thread runs `io`, which then runs one handler at a time (Asio's implicit strand).
  bool one_io_thread = false;
  // Read retries posted and not run yet (session::read_again_soon), over all sessions.
  std::atomic<std::uint32_t> queued_read_retries{0};
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
  std::chrono::steady_clock::time_point started_steady = std::chrono::steady_clock::now();
  std::atomic<bool> stopping{false};

  // Wall-clock time of a steady-clock instant, for the UTC times of GetClients and Message.
  std::chrono::system_clock::time_point to_system(
      std::chrono::steady_clock::time_point t) const noexcept {
    return started_at +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(t - started_steady);
  }
};

}  // namespace asyncsvr::net
