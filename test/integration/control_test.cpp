// Control protocol (PROTOCOL.md §9, §15): GetClients, Broadcast, Kick, Stats, Capabilities.

#include <boost/test/unit_test.hpp>

#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> fields(std::string_view item) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t tab; (tab = item.find('\t', start)) != std::string_view::npos; start = tab + 1) {
    out.emplace_back(item.substr(start, tab - start));
  }
  out.emplace_back(item.substr(start));
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(control_protocol)

BOOST_AUTO_TEST_CASE(get_clients_lists_live_sessions_and_drops_closed_ones) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  auto admin = server.login(control);
  auto alice = server.login(control, false);
  auto anonymous = server.connect(throughput);
  BOOST_TEST(anonymous.call("CyclePacket", {{"Count", "0"}}).ok());

  auto reply = admin.call("GetClients");
  BOOST_REQUIRE(reply.ok());
  auto items = reply.values("Item");
  BOOST_REQUIRE(items.size() == 3u);
  const auto first = fields(items[0]);
  BOOST_REQUIRE(first.size() == 7u);
  BOOST_TEST(first[0] == "127.0.0.1:" + std::to_string(server.port()));
  BOOST_TEST(first[1].starts_with("127.0.0.1:"));
  BOOST_TEST(first[2] == "Control");
  BOOST_TEST(first[3] == "admin");
  BOOST_TEST(first[4].size() == 23u);  // YYYY-MM-DD HH:MM:SS.mmm
  BOOST_TEST(fields(items[1])[3] == "alice");
  BOOST_TEST(fields(items[2])[2] == "Throughput");
  BOOST_TEST(fields(items[2])[3] == "");
  // Ordered by session id.
  BOOST_TEST(std::stoull(fields(items[0])[6]) < std::stoull(fields(items[1])[6]));
  BOOST_TEST(std::stoull(fields(items[1])[6]) < std::stoull(fields(items[2])[6]));

  alice.close();
  anonymous.reset();
  BOOST_TEST(eventually([&] { return admin.call("GetClients").values("Item").size() == 1; }));
}

BOOST_AUTO_TEST_CASE(get_clients_is_admin_only_unless_configured) {
  test_server strict;
  BOOST_TEST(strict.login(control, false).call("GetClients").result() ==
             result_code::permission_denied);
  test_server open([](asyncsvr::server_config& c) { c.get_clients_admin_only = false; });
  BOOST_TEST(open.login(control, false).call("GetClients").ok());
}

BOOST_AUTO_TEST_CASE(get_clients_truncates_to_fit_the_text_limit) {
  test_server server([](asyncsvr::server_config& c) { c.max_command_text = 512; });
  auto admin = server.login(control);
  std::vector<asyncsvr::client::connection> others;
  for (int i = 0; i < 20; ++i)
    others.push_back(server.login(control, false));
  const auto reply = admin.call("GetClients");
  BOOST_TEST(reply.ok());
  BOOST_TEST(reply.text.size() <= 512u);
  BOOST_TEST(reply.value("Truncated").value() == "1");
  BOOST_TEST(!reply.values("Item").empty());
}

BOOST_AUTO_TEST_CASE(capabilities_are_granted_in_canonical_spelling) {
  test_server server;
  auto c = server.connect(control);
  const auto reply = c.login("admin", "admin", "message, unknown,MESSAGE");
  BOOST_TEST(reply.value("Capabilities").value() == "Message");
  auto none = server.connect(control);
  BOOST_TEST(none.login("admin", "admin", "bogus").value("Capabilities").value() == "");
}

BOOST_AUTO_TEST_CASE(broadcast_reaches_sessions_that_asked_for_messages) {
  test_server server;
  auto sender = server.login(control, true, "Message");
  auto listener = server.login(control, false, "Message");
  auto deaf = server.login(control, false);
  const std::string text = "maintenance at 22:00 ✓";
  const auto reply = sender.call("Broadcast", {}, text);
  BOOST_REQUIRE(reply.ok());
  BOOST_TEST(reply.integer("Delivered") == 2);  // the sender asked too
  BOOST_TEST(reply.integer("Dropped") == 0);
  BOOST_REQUIRE(sender.pushes().size() == 1u);  // its own copy arrived before the reply
  const auto message = listener.receive();
  BOOST_TEST(message.command == "Message");
  BOOST_TEST(message.payload == text);
  BOOST_TEST(message.value("From").value() == "admin");
  BOOST_TEST(message.integer("FromSessionId") >= 1);
  BOOST_TEST(message.value("Time").value().size() == 23u);
  BOOST_TEST(deaf.call("Active").ok());  // nothing was queued before this reply
}

BOOST_AUTO_TEST_CASE(broadcast_rejects_bad_text_and_non_admins) {
  test_server server;
  auto admin = server.login(control);
  BOOST_TEST(admin.call("Broadcast").result() == result_code::parameter_error);
  BOOST_TEST(admin.call("Broadcast", {}, std::string("\xC0\xAF")).result() ==
             result_code::parameter_error);
  BOOST_TEST(admin.call("Broadcast", {}, std::string(65537, 'x')).result() ==
             result_code::parameter_error);
  BOOST_TEST(server.login(control, false).call("Broadcast", {}, std::string("hi")).result() ==
             result_code::permission_denied);
}

BOOST_AUTO_TEST_CASE(kick_sends_the_reason_and_closes_the_target) {
  test_server server;
  auto admin = server.login(control);
  auto victim = server.connect(control);
  const auto id = victim.login("alice", "secret").integer("SessionId");
  BOOST_TEST(admin.call("Kick", {{"SessionId", std::to_string(id)}, {"Reason", "bye"}}).ok());
  const auto notice = victim.receive();
  BOOST_TEST(notice.command == "Disconnect");
  BOOST_TEST(notice.result() == result_code::kicked);
  BOOST_TEST(notice.value("Message").value() == "bye");
  BOOST_TEST(victim.closed_by_server(3s));
  // The session leaves the registry when its last handler has run, just after the socket closed.
  BOOST_TEST(eventually([&] {
    return admin.call("Kick", {{"SessionId", std::to_string(id)}}).result() ==
           result_code::session_not_found;
  }));
  BOOST_TEST(admin.call("Kick", {{"SessionId", "0"}}).result() == result_code::parameter_error);
  BOOST_TEST(admin.call("Kick", {{"SessionId", "1"}, {"Reason", std::string(257, 'r')}}).result() ==
             result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(kicking_oneself_replies_before_the_notice) {
  test_server server;
  auto admin = server.connect(control);
  const auto id = admin.login("admin", "admin").integer("SessionId");
  BOOST_TEST(admin.call("Kick", {{"SessionId", std::to_string(id)}}).ok());
  const auto notice = admin.receive();
  BOOST_TEST(notice.result() == result_code::kicked);
  BOOST_TEST(notice.value("Message").value() == "kicked by administrator");
}

BOOST_AUTO_TEST_CASE(stats_counts_sessions_and_traffic) {
  test_server server([](asyncsvr::server_config& c) { c.throughput_allow_anonymous = true; });
  auto user = server.login(control, false);
  auto echo = server.connect(throughput);
  for (int i = 0; i < 5; ++i)
    BOOST_TEST(echo.call("CyclePacket", {{"Count", "1"}}).ok());
  const auto stats = user.call("Stats");
  BOOST_REQUIRE(stats.ok());
  BOOST_TEST(stats.value("Version").has_value());
  BOOST_TEST(stats.integer("Connections") == 2);
  BOOST_TEST(stats.integer("ControlSessions") == 1);
  BOOST_TEST(stats.integer("ThroughputSessions") == 1);
  BOOST_TEST(stats.integer("FramesIn") >= 7);
  BOOST_TEST(stats.integer("BytesOut") > 0);
  // The keys come in the §15.5 order.
  const std::vector<std::string> order = {"Version",
                                          "UptimeSeconds",
                                          "Connections",
                                          "ConnectionsTotal",
                                          "ControlSessions",
                                          "UploadSessions",
                                          "DownloadSessions",
                                          "RemoteStreamSessions",
                                          "ThroughputSessions",
                                          "LogOutputSessions",
                                          "ActiveUploads",
                                          "ActiveDownloads",
                                          "BytesIn",
                                          "BytesOut",
                                          "FramesIn",
                                          "FramesOut",
                                          "ProtocolErrors",
                                          "LoginFailures",
                                          "LogLinesDropped",
                                          "MessagesDropped"};
  BOOST_REQUIRE(stats.keys.size() == order.size());
  for (std::size_t i = 0; i < order.size(); ++i)
    BOOST_TEST(stats.keys[i].first == order[i]);
}

BOOST_AUTO_TEST_SUITE_END()
