#include "server_process.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/auth/user_store.hpp"
#include "file_helpers.hpp"

namespace asyncsvr::test {

namespace fs = std::filesystem;
using boost::asio::ip::tcp;

std::uint16_t free_port() {
  boost::asio::io_context io;
  tcp::acceptor probe(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return probe.local_endpoint().port();
}

std::vector<std::string> server_command(const fs::path& data_dir, std::uint16_t port,
                                        const std::vector<std::string>& extra) {
  const char* binary = std::getenv("ASYNCSVR_BINARY");
  if (binary == nullptr) throw std::runtime_error("ASYNCSVR_BINARY must name the server binary");
  write_file(
      data_dir / "users",
      auth::format_user_line("admin", auth::role::admin, "admin", auth::min_iterations) + "\n");
  fs::permissions(data_dir / "users", fs::perms::owner_read | fs::perms::owner_write);
  const std::vector<std::string> defaults{"--listen=127.0.0.1",
                                          "--port=" + std::to_string(port),
                                          "--status-port=0",
                                          "--threads=2",
                                          "--log-level=warning",
                                          "--data-dir=" + data_dir.string(),
                                          "--users-file=" + (data_dir / "users").string()};
  const auto name = [](const std::string& option) { return option.substr(0, option.find('=')); };
  std::vector<std::string> args{binary};
  for (const auto& option : defaults) {
    // The server refuses an option given twice, so an override must take the default's place.
    const bool overridden = std::any_of(
        extra.begin(), extra.end(), [&](const std::string& e) { return name(e) == name(option); });
    if (!overridden) args.push_back(option);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

bool port_accepts(boost::asio::io_context& io, std::uint16_t port) {
  tcp::socket probe(io);
  boost::system::error_code ec;
  probe.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
  return !ec;
}

namespace {

std::vector<std::string> with(std::vector<std::string> options,
                              const std::vector<std::string>& more) {
  options.insert(options.end(), more.begin(), more.end());
  return options;
}

}  // namespace

server_child::server_child(const std::vector<std::string>& extra)
    : port_(free_port()),
      status_port_(free_port()),
      console_(dir_.path / "console.txt"),
      process_(server_command(dir_.path, port_,
                              with({"--status-port=" + std::to_string(status_port_),
                                    "--log-file=" + (dir_.path / "server.log").string()},
                                   extra)),
               {}, console_) {
  // The status endpoint is bound after the listeners; polling it leaves the framed counters alone.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    try {
      status();
      return;
    } catch (const std::exception& e) {
      if (std::chrono::steady_clock::now() >= deadline) {
        throw std::runtime_error(std::string("the server did not start: ") + e.what());
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::optional<int> server_child::stop() {
  process_.signal(SIGTERM);
  return process_.wait_exit(std::chrono::seconds(20));
}

}  // namespace asyncsvr::test
