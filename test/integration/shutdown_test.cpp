// Graceful stop (PROTOCOL.md §2.3): every framed session is told ServerShuttingDown and closed,
// the server's threads end, and a session that will not go is forced after the deadline.

#include <thread>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
using namespace std::chrono_literals;

BOOST_AUTO_TEST_SUITE(graceful_stop)

BOOST_AUTO_TEST_CASE(sessions_get_a_notice_and_the_server_stops) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  std::vector<asyncsvr::client::connection> sessions;
  for (int i = 0; i < 10; ++i)
    sessions.push_back(server.login(control));
  for (int i = 0; i < 10; ++i)
    sessions.push_back(server.connect(throughput));
  boost::asio::ip::tcp::socket handshaking(server.client_io());
  handshaking.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 21; }));

  server.server().stop();
  for (auto& s : sessions) {
    const auto notice = s.receive();
    BOOST_TEST(notice.command == "Disconnect");
    BOOST_TEST(notice.result() == result_code::server_shutting_down);
    BOOST_TEST(s.closed_by_server(3s));
  }
  server.server().wait();
  BOOST_TEST(server.context().registry.size() == 0u);
  BOOST_TEST(server.context().metrics.closed_count(asyncsvr::net::close_reason::shutting_down) ==
             21u);
}

BOOST_AUTO_TEST_CASE(a_session_that_never_reads_is_forced_at_the_deadline) {
  test_server server([](asyncsvr::server_config& c) {
    c.shutdown_timeout = 500ms;
    c.close_linger = 10s;  // the notice alone would keep it open much longer
    c.send_stall_timeout = 10s;
    c.throughput_allow_anonymous = true;
  });
  boost::asio::ip::tcp::socket stuck(server.client_io());
  stuck.open(boost::asio::ip::tcp::v4());
  stuck.set_option(boost::asio::socket_base::receive_buffer_size(4096));
  stuck.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  // Fill the server's queue towards this peer: it asks for echoes and never reads one.
  std::string requests = "\x05";
  std::string text;
  asyncsvr::codec::begin_request(text, "CyclePacket").add("Count", 1);
  for (int i = 0; i < 64; ++i) {
    asyncsvr::codec::append_frame(requests, text, std::string(64 * 1024, 'x'),
                                  asyncsvr::byte_order::little);
  }
  stuck.non_blocking(true);
  boost::system::error_code ec;
  stuck.write_some(boost::asio::buffer(requests), ec);
  BOOST_TEST(eventually([&] { return server.context().metrics.largest_send_queue.value() > 0; }));
  auto echo = server.connect(throughput);
  BOOST_TEST(echo.call("CyclePacket", {{"Count", "1"}}).ok());
  const auto start = std::chrono::steady_clock::now();
  server.server().stop();
  server.server().wait();
  // Bounded by shutdown_timeout plus the grace for aborted handlers, not by close_linger.
  BOOST_TEST((std::chrono::steady_clock::now() - start < 5s));
  BOOST_TEST(server.context().registry.size() == 0u);
}

BOOST_AUTO_TEST_CASE(stop_is_idempotent_and_safe_from_any_thread) {
  test_server server;
  std::vector<std::thread> stoppers;
  for (int i = 0; i < 4; ++i)
    stoppers.emplace_back([&] { server.server().stop(); });
  for (auto& t : stoppers)
    t.join();
  server.server().wait();
}

BOOST_AUTO_TEST_SUITE_END()
