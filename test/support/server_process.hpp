#pragma once
// The built server binary (named by $ASYNCSVR_BINARY, which CMake sets for these tests) on a
// loopback port, as a child process: for crash, signal and service-manager tests.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json/object.hpp>

#include "child_process.hpp"
#include "status_http.hpp"
#include "temp_dir.hpp"

namespace asyncsvr::test {

// A loopback port that was free a moment ago (bound to port 0, then released), for a server to
// bind next.
std::uint16_t free_port();

// Writes the users file data_dir/users with admin/admin and returns the command line of a server
// on 127.0.0.1:port serving data_dir, with `extra` options; an option in `extra` replaces the
// default of the same name (--listen, --status-port, --threads, --log-level). Throws
// std::runtime_error when ASYNCSVR_BINARY is not set.
std::vector<std::string> server_command(const std::filesystem::path& data_dir, std::uint16_t port,
                                        const std::vector<std::string>& extra = {});

// True when something accepts connections on 127.0.0.1:port.
bool port_accepts(boost::asio::io_context& io, std::uint16_t port);

// The server binary serving a fresh data directory, with its status endpoint on a port of its
// own (no token), its console output in a file and a log file beside it, for tests that watch it
// from outside: its counters, its descriptors, its CPU time, its log. Ready when constructed
// (/status answers, so the listeners are bound) without any connection to its framed port having
// been made.
class server_child {
 public:
  // `extra` as for server_command().
  explicit server_child(const std::vector<std::string>& extra = {});

  std::uint16_t port() const noexcept { return port_; }
  pid_t pid() const noexcept { return process_.pid(); }
  boost::json::object status() const { return fetch_status(status_port_); }
  // What the server wrote to stdout and stderr: every log record, even those the log file missed.
  const std::filesystem::path& console() const noexcept { return console_; }
  // SIGTERM, then the exit code once the server has stopped (nothing if it did not within 20 s).
  std::optional<int> stop();

 private:
  temp_dir dir_;
  std::uint16_t port_;
  std::uint16_t status_port_;
  std::filesystem::path console_;
  child_process process_;
};

}  // namespace asyncsvr::test
