#pragma once
// The first moments of a connection (PROTOCOL.md §2.1): on the TLS port, the TLS handshake first
// (at most tls_handshake_timeout, §6.5); then wait for the flag byte, at most handshake_timeout,
// and hand the stream, the strand and whatever bytes came with the flag to the protocol's
// session. An unknown flag, a failed TLS handshake or a silent peer is closed without a word.
//
// Thread-safety: start() once; connection members from any thread.

#include <chrono>
#include <memory>

#include "asyncsvr/net/connection.hpp"
#include "asyncsvr/net/server_context.hpp"
#include "asyncsvr/net/session.hpp"
#include "asyncsvr/net/transport.hpp"

namespace asyncsvr::net {

class handshake : public connection, public std::enable_shared_from_this<handshake> {
 public:
  handshake(server_context& context, transport stream, connection_info info);
  ~handshake() override;

  void start();

  void kick(std::string reason) override;
  void shut_down() override;
  void abort() override;
  connection_snapshot snapshot() const override;

  const strand_type& strand() const noexcept { return strand_; }

 private:
  void arm_timer(std::chrono::milliseconds timeout);
  void wait(transport::wait_type what);
  void advance(const boost::system::error_code& ec);
  bool secure_handshake_done();
  void on_timeout(const boost::system::error_code& ec);
  void close(close_reason reason);

  server_context& context_;
  strand_type strand_;
  transport stream_;
  steady_timer timer_;
  const connection_info info_;
  bool done_ = false;  // handed over or closed
  bool handed_over_ = false;
  bool secured_ = false;  // TLS handshake complete (plain TCP: never needed)
};

}  // namespace asyncsvr::net
