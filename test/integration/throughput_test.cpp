// Throughput protocol (PROTOCOL.md §13) and framing over the wire (§3): many clients, pipelining,
// byte order, and every framing error answered and closed.

#include <span>
#include <sys/socket.h>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
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

// `clients` logged-in clients, each with a request in flight at once, round after round; every
// reply is checked. Returns how many were wrong.
int failed_echoes(test_server& server, int clients, int rounds) {
  std::vector<asyncsvr::client::connection> connections;
  connections.reserve(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients; ++i)
    connections.push_back(server.login(throughput));
  BOOST_TEST(server.context().registry.count(throughput) == static_cast<std::uint64_t>(clients));
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
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
  return failures;
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

// Payloads larger than the 64 KiB receive buffer are echoed as they arrive (streamed), with
// the same replies as buffered ones.
BOOST_AUTO_TEST_CASE(large_payloads_are_echoed_whole_and_in_order) {
  test_server server;
  auto c = server.login(throughput);
  const std::size_t sizes[] = {64 * 1024, 300 * 1024, 5, 1024 * 1024, 0, 4 * 1024 * 1024 - 200};
  std::string burst;
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    burst += cycle_frame(static_cast<std::int64_t>(i), payload_of(sizes[i], static_cast<int>(i)),
                         asyncsvr::byte_order::little);
  }
  c.send_raw(burst);
  for (std::size_t i = 0; i < std::size(sizes); ++i) {
    BOOST_TEST_CONTEXT("payload of " << sizes[i] << " bytes") {
      const auto reply = c.receive();
      BOOST_TEST(reply.integer("Count") == static_cast<std::int64_t>(i) + 1);
      BOOST_TEST((reply.payload == payload_of(sizes[i], static_cast<int>(i))));
    }
  }
  BOOST_TEST(server.context().metrics.frames_in.value() >= std::size(sizes));
}

BOOST_AUTO_TEST_CASE(large_payload_dribbled_in_small_pieces_is_echoed) {
  test_server server;
  auto c = server.login(throughput);
  const auto payload = payload_of(200 * 1024, 3);
  const auto frame = cycle_frame(7, payload, asyncsvr::byte_order::little);
  // The length fields, then the text in two pieces, then the payload in uneven pieces: every
  // state of a streamed request meets a read boundary.
  const std::size_t cuts[] = {3, 9, 20, 1000, 70000, 70001, 150000};
  std::size_t from = 0;
  for (const auto cut : cuts) {
    c.send_raw(std::span(frame).subspan(from, cut - from));
    from = cut;
    std::this_thread::sleep_for(5ms);
  }
  c.send_raw(std::span(frame).subspan(from));
  const auto reply = c.receive();
  BOOST_TEST(reply.integer("Count") == 8);
  BOOST_TEST((reply.payload == payload));
  BOOST_TEST(c.call("CyclePacket", {{"Count", "1"}}, std::string("after")).payload ==
             std::string("after"));
}

BOOST_AUTO_TEST_CASE(refused_large_requests_skip_their_payload_and_the_session_carries_on) {
  test_server server;
  auto anonymous = server.connect(throughput);
  const auto big = payload_of(500 * 1024, 1);
  auto reply = anonymous.call("CyclePacket", {{"Count", "1"}}, big);
  BOOST_TEST(reply.result() == result_code::not_login);
  BOOST_TEST(reply.payload.empty());
  BOOST_TEST(anonymous.call("Active").ok());

  auto c = server.login(throughput);
  reply = c.call("CyclePacket", {{"Count", "x"}}, big);
  BOOST_TEST(reply.result() == result_code::parameter_error);
  BOOST_TEST(reply.payload.empty());
  BOOST_TEST(c.call("CyclePacket", {{"Count", "2"}}, big).payload == big);
}

BOOST_AUTO_TEST_CASE(large_request_with_a_malformed_text_is_answered_and_closed) {
  test_server server;
  auto c = server.login(throughput);
  std::string frame;
  asyncsvr::codec::append_frame(frame, "[Request]\r\nCommand=CyclePacket\r\n1bad=key",
                                payload_of(100 * 1024, 2), asyncsvr::byte_order::little);
  c.send_raw(frame);
  BOOST_TEST(c.receive().result() == result_code::packet_format_error);
  BOOST_TEST(c.closed_by_server(3s));
}

// A notice cannot go inside a reply whose payload is still being echoed: the session closes
// without one, and what the peer got is an unbroken prefix of the reply.
BOOST_AUTO_TEST_CASE(kick_during_a_streamed_echo_closes_without_splicing_a_notice) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  boost::asio::io_context io;
  boost::asio::ip::tcp::socket s(io);
  s.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  // A server that waited for the whole request would never answer: fail instead of hanging.
  const timeval patience{10, 0};
  BOOST_REQUIRE(
      ::setsockopt(s.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience) == 0);
  const auto payload = payload_of(1024 * 1024, 5);
  const auto frame = cycle_frame(1, payload, asyncsvr::byte_order::little);
  const std::string half = std::string(1, '\x05') + frame.substr(0, frame.size() / 2);
  boost::asio::write(s, boost::asio::buffer(half));
  std::string expected;
  std::string reply_text;
  asyncsvr::codec::begin_response(reply_text, "CyclePacket", result_code::success).add("Count", 2);
  asyncsvr::codec::append_frame(expected, reply_text, payload, asyncsvr::byte_order::little);
  // Read until the reply has begun, then kick the session mid-frame. Plain recv(), as Asio's
  // blocking read would wait out the receive timeout.
  std::string got(expected.size() + 4096, '\0');
  std::size_t have = 0;
  ssize_t last = 0;
  const auto read_more = [&](std::size_t up_to) {
    last = ::recv(s.native_handle(), got.data() + have, up_to - have, 0);
    if (last > 0) have += static_cast<std::size_t>(last);
    return last > 0;
  };
  while (have < 4096)
    BOOST_TEST_REQUIRE(read_more(4096));
  const auto sessions = server.context().registry.collect(throughput);
  BOOST_TEST_REQUIRE(sessions.size() == 1u);
  sessions.front()->kick("");
  while (read_more(got.size())) {
  }
  BOOST_TEST((last == 0 || errno == ECONNRESET));  // the server closed; the wait did not time out
  BOOST_TEST(have < expected.size());              // closed before the reply was complete
  BOOST_TEST(got.substr(0, have) == expected.substr(0, have));
}

BOOST_AUTO_TEST_CASE(thousand_clients_each_echo_a_hundred_packets) {
  test_server server;
  BOOST_TEST(failed_echoes(server, 1000, 100) == 0);
  BOOST_TEST(server.context().metrics.frames_in.value() >= 1000u * 101u);
}

BOOST_AUTO_TEST_CASE(one_io_thread_serves_many_clients_too) {
  // With one I/O thread a session retries its reads outside its strand (the io_context is one
  // then), while logins complete on the strand from the password-checking thread.
  test_server server([](asyncsvr::server_config& c) { c.threads = 1; });
  BOOST_TEST(failed_echoes(server, 300, 50) == 0);
  auto c = server.login(throughput);
  const auto big = payload_of(300 * 1024, 9);
  BOOST_TEST((c.call("CyclePacket", {{"Count", "1"}}, big).payload == big));
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
