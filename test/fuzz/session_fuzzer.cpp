// libFuzzer target: whole connections. The input is what a client sends — a protocol flag byte,
// then arbitrary bytes — on a real loopback connection to an in-process server with every
// protocol registered (test/support's test_server: accounts admin/admin and alice/secret, file
// protocols rooted in a temporary directory made once per process). The client then closes its
// sending side and reads until the server closes. Run: scripts/fuzz.sh session 600
//
// The properties checked beyond "no crash, no sanitizer report": the server closes within a few
// seconds of the peer closing its side (§2.3) and then releases the session; everything it sent is
// a sequence of whole frames within max_packet_size whose text is a [Response] with one decimal
// Code (§3, §4.4); and nothing appears in the data directory besides the file root and the staging
// area (no path escapes the sandbox). Between inputs the file root and staging area are emptied,
// so an input behaves the same whatever ran before it.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <poll.h>
#include <span>
#include <string>
#include <string_view>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame_decoder.hpp"
#include "test_server.hpp"

namespace {

namespace fs = std::filesystem;
using boost::asio::ip::tcp;
using namespace std::chrono_literals;

// Far beyond what any input needs with the default timers: nothing waits for a timer once the
// peer has closed its side and the replies are read.
constexpr auto close_deadline = 10s;

void check(bool condition) {
  if (!condition) std::abort();
}

asyncsvr::test::test_server& server() {
  // One I/O thread keeps the order of events as repeatable as a real server allows.
  static asyncsvr::test::test_server instance(
      [](asyncsvr::server_config& config) { config.threads = 1; });
  return instance;
}

bool passed(std::chrono::steady_clock::time_point deadline) {
  return std::chrono::steady_clock::now() >= deadline;
}

// Sends `input`, closes the sending side, and returns what the server sent until it closed.
// Reading and writing alternate, so a server that stops reading until its replies are read
// (back-pressure, §8.2) cannot deadlock the exchange.
std::string exchange(std::span<const char> input) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  // Asynchronously, because a blocking connect fails with EINTR when libFuzzer's timer signal
  // arrives during it; Asio's reactor waits through signals.
  boost::system::error_code connected;
  socket.async_connect({boost::asio::ip::address_v4::loopback(), server().port()},
                       [&](const boost::system::error_code& ec) { connected = ec; });
  io.run();
  check(!connected);
  socket.non_blocking(true);
  const auto deadline = std::chrono::steady_clock::now() + close_deadline;
  std::string output;
  bool sending = true;
  for (;;) {
    check(!passed(deadline));  // the server never closed
    if (sending && input.empty()) {
      boost::system::error_code ignored;  // the server may have reset the connection already
      socket.shutdown(tcp::socket::shutdown_send, ignored);
      sending = false;
    }
    pollfd ready{socket.native_handle(), static_cast<short>(POLLIN | (sending ? POLLOUT : 0)), 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    boost::system::error_code ec;
    if (sending && (ready.revents & POLLOUT)) {
      const auto n = socket.write_some(boost::asio::buffer(input.data(), input.size()), ec);
      input = input.subspan(n);
      // The server may close before taking everything (an unknown flag, a framing error).
      if (ec && ec != boost::asio::error::would_block) sending = false;
    }
    char buffer[16 * 1024];
    const auto n = socket.read_some(boost::asio::buffer(buffer), ec);
    output.append(buffer, n);
    if (ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) break;
    check(!ec || ec == boost::asio::error::would_block);
  }
  return output;
}

void check_output(std::string_view output) {
  const auto& config = server().server().config();
  const auto max = static_cast<std::uint32_t>(config.max_packet_size);
  // max_command_text bounds what the server accepts, not what it sends.
  const asyncsvr::codec::frame_decoder decoder({max, max, config.byte_order});
  asyncsvr::codec::command_text text;
  while (!output.empty()) {
    const auto result = decoder.decode(output);
    check(result.state == asyncsvr::codec::decode_result::status::complete);
    check(asyncsvr::codec::parse_response(result.value.text, text));
    const auto code = text.find("Code");
    check(code.count == 1 && !code.value.empty() &&
          code.value.find_first_not_of("0123456789") == std::string_view::npos);
    output.remove_prefix(result.size);
  }
}

void empty_directory(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    fs::remove_all(entry.path());
}

void check_and_reset_files() {
  const auto& config = server().server().config();
  for (const auto& entry : fs::directory_iterator(server().data_dir())) {
    check(entry.path() == config.file_root || entry.path() == config.staging_dir);
  }
  empty_directory(config.file_root);
  empty_directory(config.staging_dir);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string output = exchange({reinterpret_cast<const char*>(data), size});
  check_output(output);
  // The session may still be finishing (file work in flight) after its socket closed; its files
  // may only be reset once it is gone.
  const auto deadline = std::chrono::steady_clock::now() + close_deadline;
  while (server().context().registry.size() > 0) {
    check(!passed(deadline));
    std::this_thread::sleep_for(100us);
  }
  check_and_reset_files();
  return 0;
}
