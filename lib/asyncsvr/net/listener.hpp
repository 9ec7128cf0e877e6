#pragma once
// Accepts connections on one endpoint, plain or TLS, and starts their handshakes.
//
// Overload is handled in the open, never by leaving peers in the backlog (PROTOCOL.md §2.1):
// beyond max_connections, or beyond max_connections_per_ip from one address, a connection is
// accepted and closed at once, before anything is allocated for it. When the process runs out
// of descriptors (EMFILE/ENFILE) the loop sheds one waiting peer through a spare descriptor kept
// for that purpose, then pauses on a timer with growing back-off instead of spinning on an
// accept that keeps failing.
//
// Thread-safety: start() once; stop() from any thread.

#include <chrono>
#include <memory>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "asyncsvr/net/io_types.hpp"
#include "asyncsvr/net/server_context.hpp"
#include "asyncsvr/net/tls_context.hpp"

namespace asyncsvr::net {

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Binds and listens; throws boost::system::system_error naming the endpoint on failure.
  // With `tls`, which must outlive the listener, every connection speaks TLS (§6.5).
  listener(server_context& context, const boost::asio::ip::tcp::endpoint& endpoint,
           const tls_context* tls = nullptr);
  ~listener();

  void start();
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return local_; }
  bool secure() const noexcept { return tls_ != nullptr; }

 private:
  void accept_next();
  void on_accept(const boost::system::error_code& ec, tcp_socket socket);
  void back_off();
  void shed_one_waiting_peer() noexcept;
  void open_spare() noexcept;

  server_context& context_;
  const tls_context* tls_;
  // A strand<> rather than the sessions' kind: its acceptor and timer take it as their executor.
  boost::asio::strand<io_executor> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::ip::tcp::endpoint local_;
  std::chrono::milliseconds backoff_{0};
  std::chrono::steady_clock::time_point last_warning_{};
  int spare_fd_ = -1;
  bool stopped_ = false;
};

}  // namespace asyncsvr::net
