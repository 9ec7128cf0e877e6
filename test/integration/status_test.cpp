// The HTTP status endpoint: /status and /metrics after a scripted scenario, Prometheus syntax,
// the token, the log level, and the answers to bad requests.

#include <thread>

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/log/log.hpp"
#include "prometheus_check.hpp"
#include "server_process.hpp"
#include "status_http.hpp"
#include "test_server.hpp"

using namespace asyncsvr::test;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view token = "test-token-1234";

// A test server whose status endpoint listens on a loopback port of its own.
struct status_fixture {
  explicit status_fixture(std::string status_token = std::string(token),
                          asyncsvr::duration idle = 300s)
      : status_port(free_port()), server([&](asyncsvr::server_config& c) {
          c.status_listen = "127.0.0.1";
          c.status_port = status_port;
          c.status_token = status_token;
          c.idle_timeout = idle;
        }) {}

  http_response get(std::string_view target, std::string_view bearer = token) {
    return http_exchange(status_port, http_request("GET", target, bearer));
  }
  boost::json::object status() { return fetch_status(status_port, token); }
  // The server counts written bytes just after the socket took them, so a client that got its
  // reply can ask before the count moved: read until the traffic stays put for a moment.
  boost::json::object settled_status() {
    auto previous = status();
    for (;;) {
      std::this_thread::sleep_for(50ms);
      auto current = status();
      if (current.at("traffic") == previous.at("traffic")) return current;
      previous = std::move(current);
    }
  }
  prometheus_exposition metrics() {
    const auto r = get("/metrics", {});
    BOOST_REQUIRE_EQUAL(r.status, 200u);
    auto parsed = parse_prometheus(r.body);
    for (const auto& p : parsed.problems)
      BOOST_ERROR("/metrics " << p);
    return parsed;
  }

  std::uint16_t status_port;
  test_server server;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(status_endpoint)

BOOST_AUTO_TEST_CASE(status_and_metrics_count_a_scripted_scenario_exactly) {
  constexpr std::uint64_t logged_in = 5;                  // N Control sessions, the first one kicks
  constexpr std::uint64_t kicked = 2;                     // M
  constexpr std::uint64_t idle = logged_in - kicked + 1;  // K: everyone left, Throughput too
  status_fixture f(std::string(token), 3s);

  std::vector<asyncsvr::client::connection> controls;
  std::vector<std::int64_t> ids;
  for (std::uint64_t i = 0; i < logged_in; ++i) {
    controls.push_back(f.server.connect(control));
    const auto reply = controls.back().login("admin", "admin");
    BOOST_REQUIRE(reply.ok());
    ids.push_back(reply.integer("SessionId"));
  }
  for (std::uint64_t i = 1; i <= kicked; ++i) {
    BOOST_REQUIRE(controls[0].call("Kick", {{"SessionId", std::to_string(ids[i])}}).ok());
  }
  BOOST_REQUIRE(eventually([&] {
    return at(f.status(), {"connections", "closed", "kicked"}) == kicked;
  }));

  // One echo of a known size; nothing else moves meanwhile, so the byte counters move by
  // exactly its two frames.
  auto echo = f.server.login(throughput);
  const auto before = f.settled_status();
  const std::string payload(10000, 'x');
  std::string text;
  asyncsvr::codec::begin_request(text, "CyclePacket").add("Count", 1);
  std::string frame;
  asyncsvr::codec::append_frame(frame, text, payload, f.server.server().config().byte_order);
  echo.send_raw(frame);
  const auto reply = echo.receive();
  BOOST_REQUIRE(reply.ok());
  BOOST_REQUIRE_EQUAL(reply.payload, payload);
  const auto reply_size = asyncsvr::codec::frame_size(reply.text.size(), reply.payload.size());

  auto s = f.settled_status();
  BOOST_TEST(at(s, {"traffic", "bytes_in"}) - at(before, {"traffic", "bytes_in"}) == frame.size());
  BOOST_TEST(at(s, {"traffic", "bytes_out"}) - at(before, {"traffic", "bytes_out"}) == reply_size);
  BOOST_TEST(at(s, {"traffic", "frames_in"}) - at(before, {"traffic", "frames_in"}) == 1u);
  BOOST_TEST(at(s, {"traffic", "frames_out"}) - at(before, {"traffic", "frames_out"}) == 1u);
  BOOST_TEST(at(s, {"connections", "current"}) == logged_in - kicked + 1);
  BOOST_TEST(at(s, {"connections", "by_protocol", "Control"}) == logged_in - kicked);
  BOOST_TEST(at(s, {"connections", "by_protocol", "Throughput"}) == 1u);
  BOOST_TEST(at(s, {"connections", "accepted_total"}) == logged_in + 1);
  BOOST_TEST(at(s, {"connections", "closed", "idle_timeout"}) == 0u);
  BOOST_TEST(at(s, {"process", "open_files"}) > logged_in);
  BOOST_TEST(at(s, {"process", "resident_bytes"}) > 0u);
  BOOST_TEST(s.contains("version"));

  // Everyone left falls silent and is evicted.
  BOOST_REQUIRE(eventually([&] { return at(f.status(), {"connections", "current"}) == 0; }, 15s));
  s = f.status();
  const auto m = f.metrics();
  BOOST_TEST(at(s, {"connections", "closed", "idle_timeout"}) == idle);
  BOOST_TEST(at(s, {"connections", "closed", "kicked"}) == kicked);
  BOOST_TEST(at(s, {"send_queues", "queued_bytes"}) == 0u);
  const std::map<std::string, std::uint64_t> expected{
      {"asyncsvr_connections_current", 0},
      {"asyncsvr_connections_accepted_total", logged_in + 1},
      {"asyncsvr_connections_closed_total{reason=\"idle_timeout\"}", idle},
      {"asyncsvr_connections_closed_total{reason=\"kicked\"}", kicked},
      {"asyncsvr_connections_closed_total{reason=\"login_timeout\"}", 0},
      {"asyncsvr_connections_by_protocol{protocol=\"Control\"}", 0},
      {"asyncsvr_send_queues_queued_bytes", 0},
      {"asyncsvr_traffic_bytes_in_total", at(s, {"traffic", "bytes_in"})},
      {"asyncsvr_traffic_bytes_out_total", at(s, {"traffic", "bytes_out"})},
      {"asyncsvr_traffic_frames_in_total", at(s, {"traffic", "frames_in"})},
      {"asyncsvr_connections_rejected_max_connections_total", 0},
      {"asyncsvr_connections_rejected_max_connections_per_ip_total", 0},
      {"asyncsvr_traffic_login_backoffs_total", 0},
      {"asyncsvr_connections_accept_backoffs_total", 0},
  };
  for (const auto& [series, value] : expected) {
    BOOST_TEST_CONTEXT(series) {
      BOOST_REQUIRE(m.series.count(series) == 1u);
      BOOST_TEST(m.series.at(series) == static_cast<double>(value));
    }
  }
  BOOST_TEST(m.types.at("asyncsvr_connections_closed_total") == "counter");
  BOOST_TEST(m.types.at("asyncsvr_connections_current") == "gauge");
}

BOOST_AUTO_TEST_CASE(every_closing_reason_and_protocol_has_a_series) {
  status_fixture f;
  const auto m = f.metrics();
  for (std::size_t i = 0; i < asyncsvr::net::close_reason_count; ++i) {
    const auto reason = asyncsvr::net::name(static_cast<asyncsvr::net::close_reason>(i));
    BOOST_TEST(m.series.count("asyncsvr_connections_closed_total{reason=\"" + std::string(reason) +
                              "\"}") == 1u);
  }
  const std::string version(f.status().at("version").as_string());
  BOOST_TEST(m.series.count("asyncsvr_build_info{version=\"" + version + "\"}") == 1u);
}

BOOST_AUTO_TEST_CASE(the_token_guards_everything_but_metrics) {
  status_fixture f;
  const auto open = f.get("/status", {});
  BOOST_TEST(open.status == 401u);
  BOOST_TEST(open.headers.at("www-authenticate") == "Bearer");
  BOOST_TEST(f.get("/status", "wrong-token-1234").status == 401u);
  BOOST_TEST(f.get("/status", "test-token-123").status == 401u);
  BOOST_TEST(f.get("/status").status == 200u);
  BOOST_TEST(f.get("/metrics", {}).status == 200u);
}

BOOST_AUTO_TEST_CASE(without_a_token_status_is_open_and_the_log_level_fixed) {
  status_fixture f("");
  BOOST_TEST(f.get("/status", {}).status == 200u);
  BOOST_TEST(http_exchange(f.status_port, http_request("PUT", "/log-level", {}, "debug")).status ==
             403u);
}

BOOST_AUTO_TEST_CASE(the_log_level_changes_at_run_time) {
  status_fixture f;
  const auto put = [&](std::string_view bearer, std::string_view body) {
    return http_exchange(f.status_port, http_request("PUT", "/log-level", bearer, body)).status;
  };
  BOOST_TEST(put({}, "debug") == 401u);
  BOOST_TEST(put(token, "verbose") == 400u);
  BOOST_TEST(!asyncsvr::log::enabled(asyncsvr::log_severity::debug));
  BOOST_TEST(put(token, "debug\n") == 200u);
  BOOST_TEST(asyncsvr::log::enabled(asyncsvr::log_severity::debug));
  BOOST_TEST(
      http_exchange(f.status_port, http_request("POST", "/log-level", token, "warning")).status ==
      200u);
  BOOST_TEST(!asyncsvr::log::enabled(asyncsvr::log_severity::info));
}

BOOST_AUTO_TEST_CASE(bad_requests_get_4xx_and_the_endpoint_keeps_serving) {
  status_fixture f;
  BOOST_TEST(f.get("/nowhere").status == 404u);
  const auto wrong = http_exchange(f.status_port, http_request("DELETE", "/status", token));
  BOOST_TEST(wrong.status == 405u);
  BOOST_TEST(wrong.headers.at("allow") == "GET, HEAD");
  BOOST_TEST(f.get("/log-level").status == 405u);
  BOOST_TEST(http_exchange(f.status_port, "NOT HTTP AT ALL\r\n\r\n").status == 400u);
  BOOST_TEST(
      http_exchange(f.status_port, "GET /status HTTP/1.1\r\nContent-Length: x\r\n\r\n").status ==
      400u);
  const std::string huge_header =
      "GET /status HTTP/1.1\r\nX-Filler: " + std::string(9000, 'a') + "\r\n\r\n";
  BOOST_TEST(http_exchange(f.status_port, huge_header).status == 431u);
  BOOST_TEST(
      http_exchange(f.status_port, http_request("PUT", "/log-level", token, std::string(9000, 'a')))
          .status == 413u);
  const auto head = http_exchange(f.status_port, http_request("HEAD", "/metrics"));
  BOOST_TEST(head.status == 200u);
  BOOST_TEST(head.body.empty());
  BOOST_TEST(f.get("/status").status == 200u);
}

BOOST_AUTO_TEST_CASE(the_dashboard_is_self_contained) {
  status_fixture f;
  const auto page = f.get("/", {});
  BOOST_TEST(page.status == 200u);
  BOOST_TEST(page.headers.at("content-type").starts_with("text/html"));
  BOOST_TEST(page.body.find("id=\"connections\"") != std::string::npos);
  BOOST_TEST(page.body.find("<canvas") != std::string::npos);
  // Nothing the page loads or fetches names another host.
  BOOST_TEST(page.body.find("http://") == std::string::npos);
  BOOST_TEST(page.body.find("https://") == std::string::npos);
  BOOST_TEST(page.body.find("src=") == std::string::npos);
  BOOST_TEST(page.body.find("href=") == std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
