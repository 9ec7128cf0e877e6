#pragma once
// The whole server: the I/O threads, the listeners, the shared context every session sees, the
// status endpoint and the housekeeping that returns memory after bursts. The application and the
// integration tests build one from a server_config.
//
// Thread-safety: start() and wait() from the owning thread; stop() from any thread (signal
// handlers and sessions included), any number of times.

#include <functional>
#include <memory>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/auth/user_store.hpp"
#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/net/protocol_registry.hpp"
#include "asyncsvr/net/server_context.hpp"

namespace asyncsvr {

class server {
 public:
  using protocol_installer = std::function<void(net::protocol_registry&)>;

  server(server_config config, std::shared_ptr<const auth::user_store> users,
         const protocol_installer& install_protocols);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds every listener (throws boost::system::system_error naming the address on failure) and
  // starts the I/O threads.
  void start();
  // Graceful stop (§2.3): stop accepting, send ServerShuttingDown to every session, close them as
  // their notices are written, and force whatever remains after shutdown_timeout.
  void stop();
  // Blocks until the server has stopped and its threads have ended.
  void wait();

  std::vector<boost::asio::ip::tcp::endpoint> endpoints() const;
  std::vector<boost::asio::ip::tcp::endpoint> tls_endpoints() const;  // empty with TLS off
  // Reads the TLS certificate and key again for the connections that follow; false with TLS
  // off. Throws std::runtime_error (the old files stay in use) when the new ones are unusable.
  bool reload_tls();
  std::vector<boost::asio::ip::tcp::endpoint> status_endpoints() const;
  net::server_context& context() noexcept;
  const server_config& config() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace asyncsvr
