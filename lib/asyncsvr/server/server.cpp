#include "asyncsvr/server/server.hpp"

#include <atomic>
#include <condition_variable>
#include <csignal>
#include <mutex>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "asyncsvr/auth/login_service.hpp"
#include "asyncsvr/files/file_store.hpp"
#include "asyncsvr/http/status_server.hpp"
#include "asyncsvr/log/log.hpp"
#include "asyncsvr/log/log_feed.hpp"
#include "asyncsvr/net/io_pool.hpp"
#include "asyncsvr/net/listener.hpp"
#include "asyncsvr/net/server_stats.hpp"

namespace asyncsvr {

namespace {

using tcp = boost::asio::ip::tcp;

constexpr auto housekeeping_interval = std::chrono::seconds(2);
constexpr auto drain_poll_interval = std::chrono::milliseconds(20);
// After forcing the remaining sessions closed, how long their handlers get to finish.
constexpr auto abort_grace = std::chrono::milliseconds(200);

codec::frame_limits limits_of(const server_config& config) {
  return {static_cast<std::uint32_t>(config.max_packet_size),
          static_cast<std::uint32_t>(config.max_command_text), config.byte_order};
}

auth::login_backoff_settings backoff_of(const server_config& config) {
  auth::login_backoff_settings s;
  s.failures = config.login_backoff_failures;
  s.window = config.login_backoff_window;
  s.delay = config.login_backoff_delay;
  s.max_delay = config.login_backoff_max;
  return s;
}

server_config with_file_paths(server_config config) {
  derive_file_paths(config);
  return config;
}

}  // namespace

struct server::impl {
  impl(server_config settings, std::shared_ptr<const auth::user_store> users)
      : config(with_file_paths(std::move(settings))),
        per_address(config.max_connections_per_ip),
        threads(config.threads),
        pool(threads.size(), config.buffer_pool_cache_limit),
        logins(std::move(users), config.auth_threads, backoff_of(config)),
        files(config),
        context{config,
                threads.context(),
                pool,
                objects,
                registry,
                deadlines,
                per_address,
                metrics,
                logins,
                files,
                protocols,
                limits_of(config),
                threads.size() == 1},
        control(boost::asio::make_strand(threads.context())),
        housekeeping(control),
        drain_timer(control) {}

  void bind_listeners();
  void bind_port(std::uint16_t port, const net::tls_context* secure);
  void bind_status();
  void schedule_housekeeping();
  void begin_stop();
  void check_drained();
  void finish();
  void release_sessions();

  server_config config;
  // Declared before the threads: sessions freed when the io_context goes away return here, and
  // give back their place per address.
  memory::object_pools objects;
  net::address_counts per_address;
  net::io_pool threads;
  memory::buffer_pool pool;
  net::session_registry registry;
  net::deadline_wheel deadlines{threads.context()};
  net::server_metrics metrics;
  auth::login_service logins;
  files::file_store files;
  net::protocol_registry protocols;
  net::server_context context;
  boost::asio::strand<boost::asio::io_context::executor_type> control;
  boost::asio::steady_timer housekeeping;
  boost::asio::steady_timer drain_timer;
  std::unique_ptr<net::tls_context> tls;  // before the listeners, which use it
  std::vector<std::shared_ptr<net::listener>> listeners;
  std::unique_ptr<http::status_server> status;
  std::atomic<bool> stop_requested{false};
  std::chrono::steady_clock::time_point stop_deadline;
  bool aborted = false;
  std::uint64_t connections_at_last_trim = 0;
};

void server::impl::bind_listeners() {
  bind_port(config.port, nullptr);
  if (!config.tls_port) return;
  tls = std::make_unique<net::tls_context>(config);
  bind_port(*config.tls_port, tls.get());
}

void server::impl::bind_port(std::uint16_t port, const net::tls_context* secure) {
  const bool defaults = config.listen.empty();
  const std::vector<std::string> addresses =
      defaults ? std::vector<std::string>{"0.0.0.0", "::"} : config.listen;
  // With port 0 the first listener gets any free port and the others share it, so that every
  // address serves the same port.
  for (const auto& text : addresses) {
    const auto address = boost::asio::ip::make_address(text);
    try {
      listeners.push_back(
          std::make_shared<net::listener>(context, tcp::endpoint(address, port), secure));
      port = listeners.back()->local_endpoint().port();
    } catch (const boost::system::system_error& e) {
      // A host without IPv6 still serves IPv4 on the default "all interfaces".
      if (defaults && address.is_v6() &&
          e.code() == boost::asio::error::address_family_not_supported) {
        LOG_WARN(0) << "IPv6 unavailable, listening on IPv4 only: " << e.what();
        continue;
      }
      throw;
    }
  }
}

void server::impl::bind_status() {
  if (config.status_port == 0) return;
  const tcp::endpoint endpoint(boost::asio::ip::make_address(config.status_listen),
                               config.status_port);
  http::status_routes routes([this] { return net::collect_stats(context, threads.size()); },
                             config.status_token);
  status = std::make_unique<http::status_server>(threads.context(), endpoint, std::move(routes));
}

void server::impl::schedule_housekeeping() {
  housekeeping.expires_after(housekeeping_interval);
  housekeeping.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    const std::size_t released = pool.trim();
    const auto connections = registry.size();
    // After many connections closed, freed session memory sits in malloc's free lists; give
    // it back so that RSS follows the load down, not only up.
    if (released > 0 || connections + 1000 < connections_at_last_trim) {
#if defined(__GLIBC__)
      ::malloc_trim(0);
#endif
    }
    connections_at_last_trim = connections;
    files.sweep_partials(std::chrono::steady_clock::now());
    schedule_housekeeping();
  });
}

void server::impl::begin_stop() {
  context.stopping.store(true);
  LOG_INFO(0) << "stopping: " << registry.size() << " connections to close";
  for (auto& l : listeners)
    l->stop();
  for (auto& c : registry.collect())
    c->shut_down();
  stop_deadline = std::chrono::steady_clock::now() + config.shutdown_timeout;
  check_drained();
}

void server::impl::check_drained() {
  const auto now = std::chrono::steady_clock::now();
  if (registry.size() == 0 || (aborted && now >= stop_deadline + abort_grace)) {
    finish();
    return;
  }
  if (!aborted && now >= stop_deadline) {
    LOG_WARN(0) << "shutdown deadline passed; closing " << registry.size()
                << " connections without waiting";
    aborted = true;
    for (auto& c : registry.collect())
      c->abort();
  }
  drain_timer.expires_after(drain_poll_interval);
  drain_timer.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) check_drained();
  });
}

void server::impl::finish() {
  housekeeping.cancel();
  if (status) status->stop();
  threads.stop(true);
}

void server::impl::release_sessions() {
  // The stopped loop may still hold handlers of closed sessions (their aborted operations).
  // Running them here destroys every session while the pools, the registry and the strands they
  // return things to still exist; the io_context's own destructor would run too late.
  auto& io = threads.context();
  for (int round = 0; round < 100 && registry.size() > 0; ++round) {
    for (auto& c : registry.collect())
      c->abort();
    io.restart();
    io.poll();
  }
  io.restart();
  io.poll();
}

server::server(server_config config, std::shared_ptr<const auth::user_store> users,
               const protocol_installer& install_protocols)
    : impl_(std::make_unique<impl>(std::move(config), std::move(users))) {
  install_protocols(impl_->protocols);
}

server::~server() {
  stop();
  wait();
}

void server::start() {
#ifndef _WIN32
  // OpenSSL writes to TLS sockets with write(2), which raises SIGPIPE when the peer is gone
  // (Asio's own sends use MSG_NOSIGNAL); like most servers, the process ignores it.
  std::signal(SIGPIPE, SIG_IGN);
#endif
  // From now on recent lines are kept for LogOutput subscribers (§14.1).
  log::keep_backlog(impl_->config.log_output_backlog);
  impl_->bind_listeners();
  impl_->bind_status();
  impl_->threads.start([this](std::size_t index) { impl_->pool.bind_current_thread(index); });
  for (auto& l : impl_->listeners)
    l->start();
  if (impl_->status) impl_->status->start();
  boost::asio::post(impl_->control, [this] { impl_->schedule_housekeeping(); });
  for (const auto& endpoint : tls_endpoints()) {
    LOG_INFO(0) << "listening for TLS on " << endpoint;
  }
  for (const auto& endpoint : endpoints()) {
    LOG_INFO(0) << "listening on " << endpoint;
    // §6.5: the MD5 password form is replayable, so say so where it can travel off the host.
    if (impl_->config.login_on_plaintext == plaintext_login::allow &&
        !endpoint.address().is_loopback()) {
      LOG_WARN(0) << "logins are accepted without TLS on " << endpoint
                  << "; consider --login-on-plaintext loopback or deny";
    }
  }
  for (const auto& endpoint : status_endpoints()) {
    LOG_INFO(0) << "status on http://" << endpoint << "/status";
  }
}

void server::stop() {
  if (impl_->stop_requested.exchange(true)) return;
  boost::asio::post(impl_->control, [this] { impl_->begin_stop(); });
}

void server::wait() {
  impl_->threads.join();
  impl_->logins.stop();
  // File work still running completes onto the stopped loop, where release_sessions() runs it.
  impl_->files.join();
  impl_->release_sessions();
}

std::vector<tcp::endpoint> server::endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const auto& l : impl_->listeners)
    if (!l->secure()) out.push_back(l->local_endpoint());
  return out;
}

std::vector<tcp::endpoint> server::tls_endpoints() const {
  std::vector<tcp::endpoint> out;
  for (const auto& l : impl_->listeners)
    if (l->secure()) out.push_back(l->local_endpoint());
  return out;
}

bool server::reload_tls() {
  if (!impl_->tls) return false;
  impl_->tls->reload(impl_->config);
  return true;
}

std::vector<tcp::endpoint> server::status_endpoints() const {
  if (!impl_->status) return {};
  return {impl_->status->local_endpoint()};
}

net::server_context& server::context() noexcept {
  return impl_->context;
}
const server_config& server::config() const noexcept {
  return impl_->config;
}

}  // namespace asyncsvr
