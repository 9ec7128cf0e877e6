#include "test_server.hpp"

#include <thread>

#include "asyncsvr/auth/user_store.hpp"
#include "asyncsvr/log/log.hpp"
#include "register_all.hpp"

namespace asyncsvr::test {

namespace {

// The smallest iteration count the users file allows keeps each first login cheap.
std::shared_ptr<const auth::user_store> test_users() {
  static const std::string text =
      auth::format_user_line("admin", auth::role::admin, "admin", auth::min_iterations) + "\n" +
      auth::format_user_line("alice", auth::role::user, "secret", auth::min_iterations) + "\n";
  return std::make_shared<const auth::user_store>(auth::user_store::parse(text, "test users"));
}

}  // namespace

test_server::test_server(const std::function<void(server_config&)>& adjust) {
  static const bool logging = [] {
    log::init_console(log::severity::warning);
    return true;
  }();
  (void)logging;
  server_config config;
  config.listen = {"127.0.0.1"};
  config.port = 0;
  config.status_port = 0;
  config.threads = 2;
  config.data_dir = data_dir_.path;
  if (adjust) adjust(config);
  server_ = std::make_unique<asyncsvr::server>(config, test_users(), protocols::register_all);
  server_->start();
  port_ = server_->endpoints().at(0).port();
  const auto tls = server_->tls_endpoints();
  if (!tls.empty()) tls_port_ = tls.front().port();
}

test_server::~test_server() {
  server_->stop();
  server_->wait();
}

client::connection test_server::connect(std::uint8_t flag, client::options options) {
  options.byte_order = server_->config().byte_order;
  return client::connection(client_io_, "127.0.0.1", options.tls ? tls_port_ : port_, flag,
                            options);
}

client::connection test_server::login(std::uint8_t flag, bool admin,
                                      std::string_view capabilities) {
  auto c = connect(flag);
  const auto reply =
      admin ? c.login("admin", "admin", capabilities) : c.login("alice", "secret", capabilities);
  if (!reply.ok()) throw std::runtime_error("test login failed: " + reply.text);
  return c;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

}  // namespace asyncsvr::test
