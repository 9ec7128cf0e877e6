// Operating the server binary as systemd does (Type=notify): READY=1 arrives once the port is
// listening, WATCHDOG=1 while it runs, STOPPING=1 after SIGTERM, and the process exits 0. And
// SIGTERM under load (PROTOCOL.md §2.3): 1,000 open sessions and an unfinished upload all get
// Disconnect ServerShuttingDown, the process exits 0 within shutdown_timeout, and no partial
// upload becomes visible. The server runs as a child process (the binary named by
// ASYNCSVR_BINARY), since these are properties of the whole process.

#include <csignal>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "file_helpers.hpp"
#include "server_process.hpp"
#include "test_server.hpp"

using namespace asyncsvr::test;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

// The systemd side of the notify protocol: a unix datagram socket the server sends states to.
class notify_listener {
 public:
  explicit notify_listener(fs::path path) : path_(std::move(path)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd_ >= 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    BOOST_REQUIRE(path_.string().size() < sizeof(address.sun_path));
    std::strcpy(address.sun_path, path_.c_str());
    BOOST_REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
  }
  ~notify_listener() { ::close(fd_); }
  notify_listener(const notify_listener&) = delete;
  notify_listener& operator=(const notify_listener&) = delete;

  std::string environment() const { return "NOTIFY_SOCKET=" + path_.string(); }

  // The next datagram that starts with `prefix`, skipping others; empty after `timeout`.
  std::string wait_for(std::string_view prefix, std::chrono::milliseconds timeout = 20s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return {};
      char buffer[4096];
      const auto n = ::recv(fd_, buffer, sizeof(buffer), 0);
      BOOST_REQUIRE(n >= 0);
      std::string message(buffer, static_cast<std::size_t>(n));
      if (message.starts_with(prefix)) return message;
    }
  }

 private:
  fs::path path_;
  int fd_ = -1;
};

}  // namespace

BOOST_AUTO_TEST_CASE(systemd_hears_ready_watchdog_and_stopping) {
  temp_dir dir;
  notify_listener systemd(dir.path / "notify");
  boost::asio::io_context io;
  const auto port = free_port();
  child_process server(server_command(dir.path, port),
                       {systemd.environment(), "WATCHDOG_USEC=200000"});

  BOOST_TEST(systemd.wait_for("READY=1") == "READY=1");
  BOOST_TEST(port_accepts(io, port));  // READY=1 came only after the listener was bound
  BOOST_TEST(systemd.wait_for("WATCHDOG=1", 2s) == "WATCHDOG=1");

  server.signal(SIGHUP);  // reload: RELOADING=1, then READY=1 again
  BOOST_TEST(systemd.wait_for("RELOADING=1").starts_with("RELOADING=1\nMONOTONIC_USEC="));
  BOOST_TEST(systemd.wait_for("READY=1") == "READY=1");

  server.signal(SIGTERM);
  BOOST_TEST(systemd.wait_for("STOPPING=1") == "STOPPING=1");
  BOOST_TEST(server.wait_exit(20s).value_or(-1) == 0);
}

BOOST_AUTO_TEST_CASE(sigterm_with_a_thousand_sessions_and_an_unfinished_upload) {
  temp_dir dir;
  boost::asio::io_context io;
  const auto port = free_port();
  constexpr auto shutdown_timeout = 5s;
  // 1,001 connections from 127.0.0.1, one more than max_connections_per_ip allows by default.
  child_process server(server_command(
      dir.path, port,
      {"--shutdown-timeout=5s", "--throughput-allow-anonymous", "--max-connections-per-ip=0"}));
  BOOST_REQUIRE(eventually([&] { return port_accepts(io, port); }, 20s));

  asyncsvr::client::connection uploader(io, "127.0.0.1", port, upload);
  BOOST_REQUIRE(uploader.login("admin", "admin").ok());
  BOOST_REQUIRE(uploader.call("Upload", {{"DirName", ""}, {"FileName", "unfinished"}}).ok());
  const auto piece = random_bytes(256 * 1024);
  uploader.send("Data", {}, {piece.data(), piece.size()});
  BOOST_REQUIRE(uploader.call("Active").ok());  // the Data has been written to the partial

  std::vector<asyncsvr::client::connection> sessions;
  sessions.reserve(1000);
  for (int i = 0; i < 1000; ++i)
    sessions.emplace_back(io, "127.0.0.1", port, throughput);
  // Every session is past its handshake once it answers.
  for (auto& s : sessions)
    BOOST_REQUIRE(s.call("CyclePacket", {{"Count", "1"}}).ok());

  const auto start = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  const auto expect_notice = [](asyncsvr::client::connection& c) {
    const auto notice = c.receive();
    BOOST_TEST(notice.command == "Disconnect");
    BOOST_TEST(notice.code == 268435462u);  // ServerShuttingDown (PROTOCOL.md §5)
  };
  expect_notice(uploader);
  for (auto& s : sessions)
    expect_notice(s);
  BOOST_TEST(server.wait_exit(shutdown_timeout + 5s).value_or(-1) == 0);
  BOOST_TEST((std::chrono::steady_clock::now() - start < shutdown_timeout));
  BOOST_TEST(!fs::exists(dir.path / "files/unfinished"));
}
