#pragma once
// An asyncsvr server running in this process on an ephemeral loopback port, with two accounts
// (admin/admin as admin, alice/secret as user), for integration tests that talk to it over real
// sockets.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "asyncsvr/client/connection.hpp"
#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/server/server.hpp"
#include "temp_dir.hpp"

namespace asyncsvr::test {

inline constexpr std::uint8_t control = 8;
inline constexpr std::uint8_t upload = 2;
inline constexpr std::uint8_t download = 3;
inline constexpr std::uint8_t remote_stream = 4;
inline constexpr std::uint8_t throughput = 5;

class test_server {
 public:
  // `adjust` may change settings before the server starts (timeouts, limits, policies). The
  // server's data directory is a fresh temporary directory, removed with the server.
  explicit test_server(const std::function<void(server_config&)>& adjust = {});
  ~test_server();

  std::uint16_t port() const noexcept { return port_; }
  std::uint16_t tls_port() const noexcept { return tls_port_; }  // 0 unless TLS is configured
  asyncsvr::server& server() noexcept { return *server_; }
  net::server_context& context() noexcept { return server_->context(); }
  boost::asio::io_context& client_io() noexcept { return client_io_; }
  const std::filesystem::path& file_root() const noexcept { return server_->config().file_root; }
  const std::filesystem::path& data_dir() const noexcept { return data_dir_.path; }

  // To port(), or with options.tls to tls_port().
  client::connection connect(std::uint8_t flag, client::options options = {});
  // A Control connection logged in as admin (or as alice when admin is false).
  client::connection login(std::uint8_t flag, bool admin = true,
                           std::string_view capabilities = {});

 private:
  temp_dir data_dir_;  // outlives the server, which is destroyed first
  std::unique_ptr<asyncsvr::server> server_;
  boost::asio::io_context client_io_;
  std::uint16_t port_ = 0;
  std::uint16_t tls_port_ = 0;
};

// Polls `condition` until it holds or `timeout` passes; returns its last value.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace asyncsvr::test
