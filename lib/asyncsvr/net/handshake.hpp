#pragma once
// The first moments of a connection (PROTOCOL.md §2.1): wait for the flag byte, at most
// handshake_timeout, then hand the socket, the strand and whatever bytes came with the flag to
// the protocol's session. An unknown flag or a silent peer is closed without a word.
//
// Thread-safety: start() once; connection members from any thread.

#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "asyncsvr/net/connection.hpp"
#include "asyncsvr/net/server_context.hpp"
#include "asyncsvr/net/session.hpp"

namespace asyncsvr::net {

class handshake : public connection, public std::enable_shared_from_this<handshake> {
 public:
  handshake(server_context& context, boost::asio::ip::tcp::socket socket, connection_info info);
  ~handshake() override;

  void start();

  void kick(std::string reason) override;
  void shut_down() override;
  void abort() override;
  connection_snapshot snapshot() const override;

 private:
  void wait_readable();
  void on_readable(const boost::system::error_code& ec);
  void on_timeout(const boost::system::error_code& ec);
  void close(close_reason reason);

  server_context& context_;
  strand_type strand_;
  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  const connection_info info_;
  bool done_ = false;  // handed over or closed
  bool handed_over_ = false;
};

}  // namespace asyncsvr::net
