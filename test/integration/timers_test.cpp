// Handshake, login and idle deadlines (PROTOCOL.md §2.1, §2.2) with short settings.

#include <thread>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(timers)

BOOST_AUTO_TEST_CASE(silent_session_is_evicted_while_a_heartbeating_one_survives) {
  test_server server([](asyncsvr::server_config& c) { c.idle_timeout = 800ms; });
  auto silent = server.login(control);
  auto beating = server.login(control);
  const auto start = std::chrono::steady_clock::now();
  // Heartbeat well within the timeout for three idle periods.
  while (std::chrono::steady_clock::now() - start < 2400ms) {
    BOOST_TEST(beating.call("Active").ok());
    std::this_thread::sleep_for(200ms);
  }
  const auto notice = silent.receive();
  BOOST_TEST(notice.command == "Disconnect");
  BOOST_TEST(notice.result() == result_code::idle_timeout);
  BOOST_TEST(silent.closed_by_server(3s));
  BOOST_TEST(beating.call("Active").ok());
  BOOST_TEST(server.context().metrics.closed_count(asyncsvr::net::close_reason::idle_timeout) == 1);
}

BOOST_AUTO_TEST_CASE(login_deadline_sends_notice) {
  test_server server([](asyncsvr::server_config& c) { c.login_timeout = 500ms; });
  auto c = server.connect(control);
  BOOST_TEST(c.call("Active").ok());  // Active does not count as a login
  const auto notice = c.receive();
  BOOST_TEST(notice.command == "Disconnect");
  BOOST_TEST(notice.result() == result_code::login_timeout);
  BOOST_TEST(c.closed_by_server(3s));
}

BOOST_AUTO_TEST_CASE(logged_in_session_has_no_login_deadline) {
  test_server server([](asyncsvr::server_config& c) { c.login_timeout = 300ms; });
  auto c = server.login(control);
  std::this_thread::sleep_for(700ms);
  BOOST_TEST(c.call("Active").ok());
}

BOOST_AUTO_TEST_CASE(anonymous_throughput_has_no_login_deadline) {
  test_server server([](asyncsvr::server_config& c) {
    c.login_timeout = 300ms;
    c.throughput_allow_anonymous = true;
  });
  auto c = server.connect(throughput);
  std::this_thread::sleep_for(700ms);
  BOOST_TEST(c.call("CyclePacket", {{"Count", "1"}}).integer("Count") == 2);
}

BOOST_AUTO_TEST_CASE(missing_flag_byte_closes_without_a_word) {
  test_server server([](asyncsvr::server_config& c) { c.handshake_timeout = 300ms; });
  boost::asio::ip::tcp::socket s(server.client_io());
  s.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  char byte = 0;
  boost::system::error_code ec;
  const auto n = s.read_some(boost::asio::buffer(&byte, 1), ec);  // blocks until closed
  BOOST_TEST(n == 0u);
  BOOST_TEST((ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset));
  BOOST_TEST(
      server.context().metrics.closed_count(asyncsvr::net::close_reason::handshake_timeout) == 1);
}

BOOST_AUTO_TEST_CASE(unknown_flags_close_without_a_word) {
  test_server server;
  for (const char flag : {'\x00', '\x01', '\x07', '\xff'}) {
    BOOST_TEST_CONTEXT("flag " << int{static_cast<unsigned char>(flag)}) {
      boost::asio::ip::tcp::socket s(server.client_io());
      s.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
      boost::asio::write(s, boost::asio::buffer(&flag, 1));
      char byte = 0;
      boost::system::error_code ec;
      BOOST_TEST(s.read_some(boost::asio::buffer(&byte, 1), ec) == 0u);
      BOOST_TEST(ec.failed());
    }
  }
  BOOST_TEST(server.context().metrics.closed_count(asyncsvr::net::close_reason::bad_flag) == 4);
}

BOOST_AUTO_TEST_CASE(flag_and_first_frame_in_one_segment) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  boost::asio::ip::tcp::socket s(server.client_io());
  s.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  std::string bytes = "\x05";
  std::string text;
  asyncsvr::codec::begin_request(text, "CyclePacket").add("Count", 41);
  asyncsvr::codec::append_frame(bytes, text, {}, asyncsvr::byte_order::little);
  boost::asio::write(s, boost::asio::buffer(bytes));
  char header[8];
  boost::asio::read(s, boost::asio::buffer(header));
  std::string body(asyncsvr::codec::load_u32(header, asyncsvr::byte_order::little) - 4, '\0');
  boost::asio::read(s, boost::asio::buffer(body));
  BOOST_TEST(body.find("Count=42") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
