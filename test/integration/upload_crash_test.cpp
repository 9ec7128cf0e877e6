// Crash safety of uploads (PROTOCOL.md §10.1): the server process is killed with SIGKILL in the
// middle of an upload, started again on the same data directory, and the client resumes from
// the partial file's size and completes an intact file. The server runs as a child process
// (the binary named by ASYNCSVR_BINARY), since a test cannot SIGKILL itself.

#include <signal.h>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/test/unit_test.hpp>

#include "child_process.hpp"
#include "file_helpers.hpp"
#include "server_process.hpp"
#include "test_server.hpp"

using namespace asyncsvr::test;
namespace fs = std::filesystem;

namespace {

asyncsvr::client::connection connect_when_up(boost::asio::io_context& io, std::uint16_t port) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    try {
      asyncsvr::client::connection c(io, "127.0.0.1", port, upload);
      if (c.login("admin", "admin").ok()) return c;
    } catch (const asyncsvr::client::error&) {
      if (std::chrono::steady_clock::now() > deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(upload_survives_sigkill_of_the_server) {
  const temp_dir dir;
  const fs::path& data_dir = dir.path;
  boost::asio::io_context io;
  const auto port = free_port();
  const auto source = random_bytes(4 * 1024 * 1024 + 5, 11);
  const std::size_t half = source.size() / 2;
  {
    child_process server(server_command(data_dir, port));
    auto c = connect_when_up(io, port);
    BOOST_REQUIRE(c.call("Upload", {{"DirName", ""}, {"FileName", "precious"}}).ok());
    send_data(c, std::string_view(source).substr(0, half));
    BOOST_REQUIRE(c.call("Active").ok());  // every Data before it has been written
    server.signal(SIGKILL);
  }
  BOOST_TEST(!fs::exists(data_dir / "files/precious"));  // nothing half-written is visible
  child_process server(server_command(data_dir, port));
  auto c = connect_when_up(io, port);
  const auto opened = c.call("Upload", {{"DirName", ""}, {"FileName", "precious"}});
  BOOST_REQUIRE(opened.ok());
  BOOST_TEST(opened.integer("FileSize") == static_cast<std::int64_t>(half));
  send_data(c, std::string_view(source).substr(half));
  BOOST_TEST(c.call("Eof", {{"FileSize", std::to_string(source.size())}}).ok());
  BOOST_TEST(sha256_hex(read_file(data_dir / "files/precious")) == sha256_hex(source));
  server.signal(SIGTERM);
  BOOST_TEST(server.wait_exit(std::chrono::seconds(20)).value_or(-1) == 0);
}
