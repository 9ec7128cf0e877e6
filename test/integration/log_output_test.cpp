// LogOutput protocol (PROTOCOL.md §14): backlog then live lines for admins, refusal for others,
// LogDropped for a subscriber that does not read, sanitising, and the legacy raw mode.

#include <poll.h>
#include <regex>
#include <sys/socket.h>
#include <thread>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/log/core.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/log/log.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using asyncsvr::log::severity;
using namespace asyncsvr::test;
using namespace std::chrono_literals;

namespace {

constexpr std::uint8_t log_output = 9;

// The test's own lines are logged at info; the server's other chatter stays at warning unless a
// test asks for more. Made after the first test_server, whose first start sets the level.
struct log_level_guard {
  explicit log_level_guard(severity level) { asyncsvr::log::set_level(level); }
  ~log_level_guard() { asyncsvr::log::set_level(severity::warning); }
};

// What a subscriber received: the lines of Log pushes, and LogDropped counts in stream order
// (a gap is recorded as the index of the line it precedes).
struct received_log {
  std::vector<std::string> lines;
  std::vector<std::pair<std::size_t, std::uint64_t>> gaps;

  bool contains(std::string_view needle) const {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const auto& line) { return line.find(needle) != std::string::npos; });
  }
  std::uint64_t dropped() const {
    std::uint64_t total = 0;
    for (const auto& gap : gaps)
      total += gap.second;
    return total;
  }
};

// Takes one Log or LogDropped push apart, checking its layout on the way.
void take(const asyncsvr::client::message& m, received_log& log) {
  if (m.command == "LogDropped") {
    BOOST_TEST(m.payload.empty());
    log.gaps.emplace_back(log.lines.size(), static_cast<std::uint64_t>(m.integer("Count")));
    return;
  }
  BOOST_REQUIRE(m.command == "Log");
  BOOST_TEST(m.ok());
  BOOST_TEST(m.payload.size() <= 64u * 1024);
  BOOST_REQUIRE(m.payload.ends_with("\r\n"));
  std::size_t count = 0;
  for (std::size_t start = 0, end; (end = m.payload.find("\r\n", start)) != std::string::npos;
       start = end + 2, ++count) {
    log.lines.push_back(m.payload.substr(start, end - start));
  }
  BOOST_TEST(m.integer("Count") == static_cast<std::int64_t>(count));
}

// Reads pushes until a received line contains `needle`.
received_log read_until(asyncsvr::client::connection& c, std::string_view needle,
                        received_log log = {}) {
  while (!c.pushes().empty()) {
    take(c.pushes().front(), log);
    c.pushes().pop_front();
  }
  while (!log.contains(needle))
    take(c.receive(), log);
  return log;
}

std::string unique(std::string_view what) {
  static int n = 0;
  return std::string(what) + " #" + std::to_string(++n) + " " +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(log_output_protocol)

BOOST_AUTO_TEST_CASE(admin_gets_the_backlog_then_other_sessions_lines) {
  test_server server;
  const log_level_guard level(severity::debug);
  const auto before = unique("logged before the subscription");
  LOG_INFO(0) << before;

  auto subscriber = server.login(log_output);
  auto log = read_until(subscriber, before);

  auto alice = server.login(control, false);
  log = read_until(subscriber, "logged in as alice", std::move(log));
  const auto& line = *std::find_if(log.lines.begin(), log.lines.end(), [](const auto& l) {
    return l.find("logged in as alice") != std::string::npos;
  });
  static const std::regex format(
      R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} DEBUG \[\d+\] logged in as alice)");
  BOOST_TEST(std::regex_match(line, format), line);
  BOOST_TEST(log.gaps.empty());
}

BOOST_AUTO_TEST_CASE(other_roles_are_refused_unless_configured) {
  test_server strict;
  const log_level_guard level(severity::info);
  auto c = strict.connect(log_output);
  BOOST_TEST(c.login("alice", "secret").result() == result_code::permission_denied);
  LOG_INFO(0) << unique("not for alice");
  // Still connected, still logged out, and no line arrives.
  BOOST_TEST(c.call("Active").ok());
  std::this_thread::sleep_for(100ms);
  BOOST_TEST(!c.input_pending());
  BOOST_TEST(c.pushes().empty());

  test_server open([](asyncsvr::server_config& config) { config.log_output_admin_only = false; });
  auto alice = open.login(log_output, false);
  const auto marker = unique("for alice");
  LOG_INFO(0) << marker;
  read_until(alice, marker);
}

BOOST_AUTO_TEST_CASE(a_subscriber_that_does_not_read_loses_lines_and_is_told) {
  test_server server([](asyncsvr::server_config& config) {
    config.log_output_queue = 200;
    config.log_output_queue_bytes = 64 * 1024;
  });
  const log_level_guard level(severity::info);
  auto subscriber = server.login(log_output);
  // Far more than the socket buffers of both ends can hold (several MiB each on loopback).
  constexpr int flood = 15000;
  const std::string filler(4000, 'x');
  {
    // Not on the console: only the feed is under test here.
    boost::log::core::get()->set_logging_enabled(false);
    for (int i = 0; i < flood; ++i)
      LOG_INFO(0) << "flood " << i << ' ' << filler;
    boost::log::core::get()->set_logging_enabled(true);
  }
  auto& metrics = server.context().metrics;
  BOOST_TEST(metrics.log_lines_dropped.value() > 0u);
  // The subscriber's server-side memory stays bounded: the send queue holds about one push (the
  // log queue's 64 KiB bound is the rest).
  BOOST_TEST(metrics.largest_send_queue.value() < 256u * 1024);

  // Reading now: lines, then the gap, then what came after it.
  received_log log;
  const auto flood_lines = [&] {
    return static_cast<std::uint64_t>(
        std::count_if(log.lines.begin(), log.lines.end(),
                      [](const auto& l) { return l.find(" INFO flood ") != std::string::npos; }));
  };
  // Every flood line arrives or is counted in a gap, without anything more being logged.
  while (flood_lines() + log.dropped() < flood)
    take(subscriber.receive(), log);
  const auto after = unique("after the gap");
  LOG_INFO(0) << after;
  log = read_until(subscriber, after, std::move(log));

  BOOST_TEST(flood_lines() + log.dropped() == std::uint64_t{flood});
  BOOST_TEST(!log.gaps.empty());
  BOOST_TEST(log.dropped() == metrics.log_lines_dropped.value());
  // The gap is reported before the lines that followed it.
  BOOST_TEST(log.gaps.front().first < log.lines.size());
  BOOST_TEST(log.lines.back().find(after) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(lines_are_sanitised_and_cut_at_8_kib) {
  test_server server;
  const log_level_guard level(severity::info);
  auto subscriber = server.login(log_output);
  const auto marker = unique("controls");
  LOG_INFO(0) << marker << " a\r\nb\x01"
              << "c\td\x1b"
              << "e";
  std::string long_text = unique("long") + " ";
  while (long_text.size() < 20000)
    long_text += "\xc3\xa9";  // é: two bytes, so a cut at an odd offset would split it
  LOG_INFO(0) << long_text;

  auto log = read_until(subscriber, marker);
  log = read_until(subscriber, long_text.substr(0, 20), std::move(log));
  BOOST_TEST(log.contains(marker + " a\\r\\nb?c\td?e"));
  const auto& cut = log.lines.back();
  BOOST_TEST(cut.size() <= 8192u);
  BOOST_TEST(cut.size() >= 8190u);
  BOOST_TEST(asyncsvr::codec::is_valid_utf8(cut));
}

BOOST_AUTO_TEST_CASE(legacy_raw_mode_on_loopback_when_enabled) {
  test_server server([](asyncsvr::server_config& config) { config.log_output_legacy_raw = true; });
  const log_level_guard level(severity::info);
  auto raw = server.connect(log_output);
  // The raw stream is read straight from the socket, waiting at most 10 s for each piece.
  const int fd = raw.socket().native_handle();
  const auto receive = [fd](char* data, std::size_t size) {
    pollfd ready{fd, POLLIN, 0};
    BOOST_REQUIRE(::poll(&ready, 1, 10000) == 1);
    return ::recv(fd, data, size, 0);
  };
  std::string text;
  const auto read_until_text = [&](std::string_view needle) {
    char buffer[4096];
    while (text.find(needle) == std::string::npos) {
      const auto n = receive(buffer, sizeof buffer);
      BOOST_REQUIRE(n > 0);
      text.append(buffer, static_cast<std::size_t>(n));
    }
  };
  read_until_text("\r\n");
  BOOST_TEST(text.starts_with("asyncsvr "));
  BOOST_TEST(text.find("log output") != std::string::npos);

  const auto marker = unique("raw line");
  LOG_INFO(0) << marker << "\r\nnot a new line";
  read_until_text(marker + "\\r\\nnot a new line\r\n");
  BOOST_TEST(text.find('\x00') == std::string::npos);  // no frame headers

  const char keys[] = {'x', '\x1b'};
  raw.send_raw(keys);
  char byte;
  BOOST_TEST(receive(&byte, 1) == 0);  // closed, and no notice first
}

BOOST_AUTO_TEST_CASE(framed_mode_when_raw_is_off_or_the_peer_is_not_allowed) {
  test_server off;
  BOOST_TEST(off.connect(log_output).login("admin", "admin").ok());
  test_server elsewhere([](asyncsvr::server_config& config) {
    config.log_output_legacy_raw = true;
    config.log_output_legacy_raw_allow = "10.0.0.0/8, fd00::/8";
  });
  BOOST_TEST(elsewhere.connect(log_output).login("admin", "admin").ok());
}

BOOST_AUTO_TEST_SUITE_END()
