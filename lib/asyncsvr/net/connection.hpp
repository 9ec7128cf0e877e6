#pragma once
// What the registry knows about a live connection, whether it is still in its handshake or is a
// protocol session. Administrative actions (Kick, shutdown) reach connections through this
// interface.
//
// Thread-safety: every member function may be called from any thread; implementations post
// to their own strand.

#include <chrono>
#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace asyncsvr::net {

// Facts fixed at accept time.
struct connection_info {
  std::uint64_t id = 0;
  boost::asio::ip::tcp::endpoint local;
  boost::asio::ip::tcp::endpoint remote;
  std::chrono::steady_clock::time_point connected_steady;  // server_context::to_system() for UTC
  bool secure = false;                                     // accepted on the TLS port
};

struct connection_snapshot {
  const connection_info* info = nullptr;  // valid while the connection object lives
  std::uint8_t flag = 0;                  // protocol flag byte; 0 while in handshake
  std::string user;                       // empty when not logged in
  std::chrono::steady_clock::time_point last_activity;
  std::uint64_t queued_bytes = 0;
};

class connection {
 public:
  virtual ~connection() = default;
  // Ends the connection with a Disconnect notice Kicked (§15.4) where the protocol has notices.
  virtual void kick(std::string reason) = 0;
  // Ends the connection with a Disconnect notice ServerShuttingDown.
  virtual void shut_down() = 0;
  // Closes at once, nothing more sent.
  virtual void abort() = 0;
  virtual connection_snapshot snapshot() const = 0;
};

}  // namespace asyncsvr::net
