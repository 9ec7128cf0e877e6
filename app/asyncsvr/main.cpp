// asyncsvr: the server binary. `asyncsvr [options]` serves; `asyncsvr user ...` manages the
// users file. Exit codes: 0 after a clean stop, 1 when the server cannot start, 2 for a bad
// command line or configuration.

#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "asyncsvr/auth/login_service.hpp"
#ifndef _WIN32
#include "asyncsvr/descriptor_limit.hpp"
#endif
#include "asyncsvr/log/log.hpp"
#include "asyncsvr/options.hpp"
#include "asyncsvr/server/server.hpp"
#include "asyncsvr/service_notify.hpp"
#include "asyncsvr/user_command.hpp"
#ifdef _WIN32
#include "asyncsvr/windows_service.hpp"
#endif
#include "register_all.hpp"

namespace {

std::shared_ptr<const asyncsvr::auth::user_store> load_users(const std::filesystem::path& file) {
  if (!std::filesystem::exists(file)) {
    throw std::runtime_error("users file " + file.string() +
                             " does not exist; create it with: asyncsvr user add NAME --role admin "
                             "--users-file " +
                             file.string());
  }
  return std::make_shared<const asyncsvr::auth::user_store>(asyncsvr::auth::user_store::load(file));
}

// SIGINT/SIGTERM stop gracefully; SIGHUP re-reads the users file and the TLS certificate and key.
// Runs on its own thread so that a signal is handled even while every I/O thread is busy.
class signal_handling {
 public:
  explicit signal_handling(asyncsvr::server& server)
      : signals_(io_, SIGINT, SIGTERM), reload_(io_, SIGHUP), server_(server) {
    wait_stop();
    wait_reload();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~signal_handling() {
    io_.stop();
    thread_.join();
  }

 private:
  void wait_stop() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      LOG_INFO(0) << "received " << ::strsignal(signal) << ", shutting down";
      asyncsvr::app::notify_service_manager("STOPPING=1");
      server_.stop();
      wait_stop();
    });
  }

  void wait_reload() {
    reload_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      asyncsvr::app::notify_reloading();
      const auto& file = server_.config().users_file;
      try {
        auto users = load_users(file);
        LOG_INFO(0) << "reloaded " << users->size() << " users from " << file.string();
        server_.context().logins.replace_users(std::move(users));
      } catch (const std::exception& e) {
        LOG_ERROR(0) << "users file not reloaded, keeping the previous one: " << e.what();
      }
      try {
        if (server_.reload_tls()) {
          LOG_INFO(0) << "reloaded the TLS certificate and key";
        }
      } catch (const std::exception& e) {
        LOG_ERROR(0) << "TLS files not reloaded, keeping the previous ones: " << e.what();
      }
      // Either way the server serves on, so systemd's reload is over.
      asyncsvr::app::notify_service_manager("READY=1");
      wait_reload();
    });
  }

  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set reload_;
  asyncsvr::server& server_;
  std::thread thread_;
};

#ifdef _WIN32
// --install-service, --uninstall-service, and --service: under the SCM its stop control takes the
// place of the signals.
int serve_windows_service(const asyncsvr::startup_options& options) {
  namespace ws = asyncsvr::app::windows_service;
  using action = asyncsvr::startup_options::service_action;
  if (options.windows_service == action::install) return ws::install_service(options.config_file);
  if (options.windows_service == action::uninstall) return ws::uninstall_service();
  const auto& config = options.config;
  std::unique_ptr<asyncsvr::server> server;
  try {
    server = std::make_unique<asyncsvr::server>(config, load_users(config.users_file),
                                                asyncsvr::protocols::register_all);
  } catch (const std::exception& e) {
    LOG_ERROR(0) << e.what();
    return 1;
  }
  const ws::hooks hooks{
      // Runs on the SCM's thread, which an exception must not leave.
      [&](const std::function<void()>& ready) {
        try {
          server->start();
          ready();
          server->wait();
          LOG_INFO(0) << "stopped";
          return 0;
        } catch (const std::exception& e) {
          LOG_ERROR(0) << e.what();
          return 1;
        }
      },
      [&] { server->stop(); },
      std::chrono::duration_cast<std::chrono::milliseconds>(config.shutdown_timeout) +
          std::chrono::seconds(5)};
  return ws::run_service(hooks);
}
#endif

int serve(int argc, char** argv) {
  asyncsvr::startup_options options;
  try {
    options = asyncsvr::parse_options(argc, argv);
  } catch (const asyncsvr::options_error& e) {
    std::cerr << "asyncsvr: " << e.what() << "\nTry 'asyncsvr --help'.\n";
    return 2;
  }
  if (options.show_help) {
    std::cout << options.help_text;
    return 0;
  }
  if (options.show_version) {
    std::cout << asyncsvr::version_text() << '\n';
    return 0;
  }
  const auto& config = options.config;
  // Under systemd, journald stamps every line itself.
  asyncsvr::log::init_console(config.log_level, std::getenv("JOURNAL_STREAM") == nullptr);
  if (!config.log_file.empty()) {
    try {
      asyncsvr::log::init_file(config.log_file, config.log_file_max_size, config.log_file_count);
    } catch (const std::exception& e) {
      LOG_ERROR(0) << e.what();
      return 1;
    }
  }
#ifdef _WIN32
  if (options.windows_service != asyncsvr::startup_options::service_action::none) {
    return serve_windows_service(options);
  }
#else
  asyncsvr::app::raise_descriptor_limit(config.max_connections);
#endif
  try {
    asyncsvr::server server(config, load_users(config.users_file),
                            asyncsvr::protocols::register_all);
    signal_handling signals(server);
    server.start();
    const asyncsvr::app::service_watchdog watchdog(server.context().io);
    LOG_INFO(0) << asyncsvr::version_text() << " started with "
                << server.context().logins.users()->size() << " users";
    // Only now: systemd orders dependent units after READY=1, and they expect the port open.
    asyncsvr::app::notify_service_manager("READY=1");
    server.wait();
    LOG_INFO(0) << "stopped";
  } catch (const std::exception& e) {
    LOG_ERROR(0) << e.what();
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "user") == 0) {
    return asyncsvr::app::run_user_command(argc - 1, argv + 1);
  }
  return serve(argc, argv);
}
