// Abrupt and orderly disconnects in every state leave nothing behind: no registry entry, no
// socket in CLOSE_WAIT, no descriptor, no pooled buffer.

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "process_probe.hpp"
#include "test_server.hpp"

using namespace asyncsvr::test;
using namespace std::chrono_literals;

namespace {

// Half a CyclePacket: the header promises more than is sent.
std::string partial_frame() {
  std::string text;
  asyncsvr::codec::begin_request(text, "CyclePacket").add("Count", 1);
  std::string frame;
  asyncsvr::codec::append_frame(frame, text, std::string(1000, 'x'), asyncsvr::byte_order::little);
  return frame.substr(0, frame.size() / 2);
}

void disconnect_all(bool abort) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  // One connection first, so that the client's reactor descriptors exist before the baseline.
  server.connect(control).close();
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 0; }));
  const auto descriptors_before = open_descriptors();
  std::vector<asyncsvr::client::connection> clients;
  for (int i = 0; i < 500; ++i) {
    switch (i % 3) {
      case 0:
        clients.push_back(server.login(control));
        break;   // idle, logged in
      case 1: {  // mid-frame
        auto c = server.connect(throughput);
        c.send_raw(partial_frame());
        clients.push_back(std::move(c));
        break;
      }
      default:
        clients.push_back(server.connect(throughput));
        break;  // flag byte only
    }
  }
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 500; }));
  for (auto& c : clients)
    abort ? c.reset() : c.close();
  clients.clear();
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 0; }));
  BOOST_TEST(eventually([&] { return close_wait_sockets(server.port()) == 0; }));
  BOOST_TEST(eventually([&] { return open_descriptors() <= descriptors_before; }),
             open_descriptors() << " descriptors open, " << descriptors_before << " before");
  BOOST_TEST(eventually([&] { return server.context().pool.stats().in_use_bytes == 0; }));
  // And the server still serves.
  BOOST_TEST(server.login(control).call("Active").ok());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(disconnects)

BOOST_AUTO_TEST_CASE(five_hundred_resets_leave_nothing_behind) {
  disconnect_all(true);
}

BOOST_AUTO_TEST_CASE(five_hundred_orderly_closes_leave_nothing_behind) {
  disconnect_all(false);
}

BOOST_AUTO_TEST_CASE(peer_half_close_still_gets_queued_replies) {
  test_server server;
  auto c = server.login(control);
  c.send("Active");
  c.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send);
  BOOST_TEST(c.receive().ok());  // §2.3: what is queued is written, then the server closes
  BOOST_TEST(c.closed_by_server(3s));
}

BOOST_AUTO_TEST_SUITE_END()
