// Outbound queue bounds (PROTOCOL.md §8.2): a peer that does not read its replies is slowed down
// by TCP and finally closed, never allowed to grow the server's memory; a slow but live reader
// keeps its connection; everyone else keeps being served.

#include <thread>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "test_server.hpp"

using namespace asyncsvr::test;
using namespace std::chrono_literals;
using asyncsvr::net::close_reason;
using tcp = boost::asio::ip::tcp;

namespace {

constexpr std::uint64_t high_water = 1024 * 1024;
constexpr std::uint64_t low_water = 256 * 1024;
constexpr std::size_t payload_size = 64 * 1024;

void small_queues(asyncsvr::server_config& c) {
  c.max_packet_size = 256 * 1024;
  c.send_queue_high_water = high_water;
  c.send_queue_low_water = low_water;
  c.send_stall_timeout = 1500ms;
  c.throughput_allow_anonymous = true;
}

std::string echo_request(std::int64_t count) {
  std::string text;
  asyncsvr::codec::begin_request(text, "CyclePacket").add("Count", count);
  std::string frame;
  asyncsvr::codec::append_frame(frame, text, std::string(payload_size, 'q'),
                                asyncsvr::byte_order::little);
  return frame;
}

// A throughput connection with a tiny receive window, so the server's replies back up quickly.
tcp::socket open_stingy_socket(test_server& server) {
  tcp::socket s(server.client_io());
  s.open(tcp::v4());
  s.set_option(boost::asio::socket_base::receive_buffer_size(4096));
  s.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  const char flag = throughput;
  boost::asio::write(s, boost::asio::buffer(&flag, 1));
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backpressure)

BOOST_AUTO_TEST_CASE(non_reader_hits_high_water_and_is_closed_by_the_stall_rule) {
  test_server server(small_queues);
  auto s = open_stingy_socket(server);
  s.non_blocking(true);
  const auto request = echo_request(1);
  // Pipeline as much as the connection takes for a while without ever reading.
  std::size_t sent = 0;
  const auto until = std::chrono::steady_clock::now() + 1s;
  while (std::chrono::steady_clock::now() < until) {
    boost::system::error_code ec;
    const auto n = s.write_some(boost::asio::buffer(request.data() + sent % request.size(),
                                                    request.size() - sent % request.size()),
                                ec);
    if (ec == boost::asio::error::would_block) {
      std::this_thread::sleep_for(5ms);
      continue;
    }
    BOOST_REQUIRE(!ec);
    sent += n;
  }
  const auto& metrics = server.context().metrics;
  BOOST_TEST(metrics.backpressure_pauses.value() >= 1u);
  // The queue never grows beyond high water plus the one reply that crossed it.
  BOOST_TEST(metrics.largest_send_queue.value() <= high_water + payload_size + 1024);
  BOOST_TEST(server.context().pool.stats().in_use_bytes <= 4 * 1024 * 1024u);

  // Another client is served meanwhile.
  auto other = server.connect(throughput);
  BOOST_TEST(other.call("CyclePacket", {{"Count", "1"}}).ok());

  // No progress for send_stall_timeout: the stuck connection goes, without a notice.
  BOOST_TEST(eventually([&] { return metrics.closed_count(close_reason::send_stall) == 1; }, 5s));
  BOOST_TEST(eventually([&] { return server.context().registry.count(throughput) == 1; }, 2s));
  // The stuck session's queue went back to the pool with it.
  BOOST_TEST(eventually([&] { return server.context().pool.stats().in_use_bytes == 0; }, 2s));
}

BOOST_AUTO_TEST_CASE(slow_reader_keeps_its_connection_and_gets_every_reply) {
  test_server server(small_queues);
  auto s = open_stingy_socket(server);
  constexpr int requests = 40;  // 2.5 MiB of echoes: well past the high-water mark
  boost::system::error_code write_error;
  std::thread writer([&] {
    for (int i = 0; i < requests && !write_error; ++i) {
      boost::asio::write(s, boost::asio::buffer(echo_request(i)), write_error);
    }
  });
  // Read a little at a time (the 4 KiB window makes it a few hundred KB/s, so the transfer
  // outlasts send_stall_timeout with
  // the queue never empty): slower than the server could send, but always making progress.
  std::vector<char> chunk(16 * 1024);
  std::size_t received = 0;
  const std::size_t reply_size = asyncsvr::codec::frame_size(
      std::string_view("[Response]\r\nCommand=CyclePacket\r\nCode=0\r\nCount=1").size(),
      payload_size);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (received < reply_size * requests - requests * 2 &&
         std::chrono::steady_clock::now() < deadline) {
    boost::system::error_code read_error;
    received += s.read_some(boost::asio::buffer(chunk), read_error);
    if (read_error) break;
    std::this_thread::sleep_for(10ms);
  }
  writer.join();
  BOOST_TEST(!write_error);
  BOOST_TEST(received >= reply_size * requests - requests * 2);  // Count digits vary by one
  BOOST_TEST(server.context().metrics.closed_count(close_reason::send_stall) == 0);
  BOOST_TEST(server.context().metrics.largest_send_queue.value() <=
             high_water + payload_size + 1024);
}

BOOST_AUTO_TEST_SUITE_END()
