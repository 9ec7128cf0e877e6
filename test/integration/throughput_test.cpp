// Throughput protocol (PROTOCOL.md §13) and framing over the wire (§3): many clients, pipelining,
// byte order, and every framing error answered and closed.

#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "raw_socket.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
using namespace std::chrono_literals;

namespace {

std::string payload_of(std::size_t size, int seed) {
  std::string p(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    p[i] = static_cast<char>((i * 31 + static_cast<std::size_t>(seed)) & 0xFF);
  return p;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(throughput_protocol)

BOOST_AUTO_TEST_CASE(cycle_packet_echoes_payload_and_increments_count) {
  test_server server;
  auto c = server.login(throughput);
  const auto payload = payload_of(1000, 7);
  const auto reply = c.call("CyclePacket", {{"Count", "41"}}, payload);
  BOOST_TEST(reply.ok());
  BOOST_TEST(reply.integer("Count") == 42);
  BOOST_TEST(reply.payload == payload);
  BOOST_TEST(c.call("CyclePacket", {{"Count", "-5"}}).integer("Count") == -4);
}

BOOST_AUTO_TEST_CASE(cycle_packet_needs_login_unless_anonymous_is_allowed) {
  test_server server;
  auto c = server.connect(throughput);
  const auto reply = c.call("CyclePacket", {{"Count", "1"}}, std::string("abc"));
  BOOST_TEST(reply.result() == result_code::not_login);
  BOOST_TEST(reply.payload.empty());  // no error reply carries a payload (§4.4)
}

BOOST_AUTO_TEST_CASE(bad_count_is_a_parameter_error_without_payload) {
  test_server server;
  auto c = server.login(throughput);
  for (const auto* count : {"", "abc", "+1", " 1", "9223372036854775807", "99999999999999999999"}) {
    BOOST_TEST_CONTEXT("Count=" << count) {
      const auto reply = c.call("CyclePacket", {{"Count", count}}, std::string("xyz"));
      BOOST_TEST(reply.result() == result_code::parameter_error);
      BOOST_TEST(reply.payload.empty());
    }
  }
  BOOST_TEST(c.call("CyclePacket", {}, std::string("xyz")).result() ==
             result_code::parameter_error);
  BOOST_TEST(c.call("CyclePacket", {{"Count", "9223372036854775806"}}).integer("Count") ==
             INT64_MAX);
}

BOOST_AUTO_TEST_CASE(echo_that_would_exceed_the_frame_limit_is_refused) {
  test_server server([](asyncsvr::server_config& c) { c.max_packet_size = 4096; });
  auto c = server.login(throughput);
  // The request fits; its reply, with the longer [Response] text, would not.
  const std::string payload(4096 - 4 - 40, 'p');
  const auto reply = c.call("CyclePacket", {{"Count", "1"}}, payload);
  BOOST_TEST(reply.result() == result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(pipelined_requests_are_answered_in_order) {
  test_server server;
  auto c = server.login(throughput);
  std::string burst;
  for (int i = 0; i < 16; ++i)
    burst += cycle_frame(i, payload_of(static_cast<std::size_t>(i) * 100, i),
                         asyncsvr::byte_order::little);
  c.send_raw(burst);
  for (int i = 0; i < 16; ++i) {
    const auto reply = c.receive();
    BOOST_TEST(reply.integer("Count") == i + 1);
    BOOST_TEST(reply.payload == payload_of(static_cast<std::size_t>(i) * 100, i));
  }
}

BOOST_AUTO_TEST_CASE(thousand_clients_each_echo_a_hundred_packets) {
  test_server server;
  constexpr int clients = 1000;
  constexpr int rounds = 100;
  std::vector<asyncsvr::client::connection> connections;
  connections.reserve(clients);
  for (int i = 0; i < clients; ++i)
    connections.push_back(server.login(throughput));
  BOOST_TEST(server.context().registry.count(throughput) == static_cast<std::uint64_t>(clients));
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    // Every client has a request in flight at once; then every reply is checked.
    for (int i = 0; i < clients; ++i) {
      connections[static_cast<std::size_t>(i)].send_raw(
          cycle_frame(round, payload_of(16 + static_cast<std::size_t>(i % 64), i + round),
                      asyncsvr::byte_order::little));
    }
    for (int i = 0; i < clients; ++i) {
      const auto reply = connections[static_cast<std::size_t>(i)].receive();
      if (!reply.ok() || reply.integer("Count") != round + 1 ||
          reply.payload != payload_of(16 + static_cast<std::size_t>(i % 64), i + round)) {
        ++failures;
      }
    }
  }
  BOOST_TEST(failures == 0);
  BOOST_TEST(server.context().metrics.frames_in.value() >=
             static_cast<std::uint64_t>(clients) * (rounds + 1));
}

BOOST_AUTO_TEST_CASE(big_endian_byte_order_applies_both_ways) {
  test_server server([](asyncsvr::server_config& c) { c.byte_order = asyncsvr::byte_order::big; });
  auto c = server.login(throughput);  // the client is configured to match
  BOOST_TEST(c.call("CyclePacket", {{"Count", "1"}}, std::string("be")).integer("Count") == 2);
  // A little-endian frame looks absurdly long to a big-endian server.
  c.send_raw(cycle_frame(1, "", asyncsvr::byte_order::little));
  BOOST_TEST(c.receive().result() == result_code::packet_length_error);
  BOOST_TEST(c.closed_by_server(3s));
}

struct framing_case {
  const char* name;
  std::string bytes;
  result_code expected;
};

BOOST_AUTO_TEST_CASE(framing_errors_get_one_reply_then_close) {
  const auto header = [](std::uint32_t packet, std::uint32_t command) {
    std::string h(8, '\0');
    asyncsvr::codec::store_u32(h.data(), packet, asyncsvr::byte_order::little);
    asyncsvr::codec::store_u32(h.data() + 4, command, asyncsvr::byte_order::little);
    return h;
  };
  std::string good_text;
  asyncsvr::codec::begin_request(good_text, "Active");
  const std::vector<framing_case> cases = {
      {"packetLength below 4", header(3, 0), result_code::packet_length_error},
      {"packetLength above M (4 bytes alone)", header(0xFFFFFFFF, 5).substr(0, 4),
       result_code::packet_length_error},
      {"packetLength M+1", header(4 * 1024 * 1024 + 1, 5).substr(0, 4),
       result_code::packet_length_error},
      {"commandLength beyond packet", header(10, 7), result_code::packet_length_error},
      {"commandLength above T", header(70000, 65537), result_code::packet_length_error},
      {"commandLength zero", header(4, 0), result_code::packet_format_error},
      {"text not UTF-8", header(4 + 16, 16) + "[Request]\r\nA=\xC0\xAF\r\n",
       result_code::packet_format_error},
      {"no header line", header(4 + 14, 14) + "Command=Active", result_code::packet_format_error},
  };
  test_server server;
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      auto conn = server.connect(control);
      conn.send_raw(c.bytes);
      const auto reply = conn.receive();
      BOOST_TEST(reply.result() == c.expected);
      BOOST_TEST(conn.closed_by_server(3s));
    }
  }
  BOOST_TEST(server.context().metrics.protocol_errors.value() == cases.size());
  // The server carries on serving everyone else.
  BOOST_TEST(server.login(control).call("Active").ok());
}

BOOST_AUTO_TEST_CASE(format_error_reply_names_the_command_when_known) {
  test_server server;
  auto c = server.connect(control);
  std::string frame;
  asyncsvr::codec::append_frame(frame, "[Request]\r\nCommand=Stats\r\n1bad=key", {},
                                asyncsvr::byte_order::little);
  c.send_raw(frame);
  const auto reply = c.receive();
  BOOST_TEST(reply.command == "Stats");
  BOOST_TEST(reply.result() == result_code::packet_format_error);
}

BOOST_AUTO_TEST_SUITE_END()
