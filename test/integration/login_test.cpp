// Login, roles and the order of checks (PROTOCOL.md §6) over real loopback connections.

#include <boost/test/unit_test.hpp>

#include "asyncsvr/auth/password_hash.hpp"
#include "test_server.hpp"

using asyncsvr::codec::result_code;
using namespace asyncsvr::test;

namespace {

const std::string admin_digest = asyncsvr::auth::md5_hex("admin");

}  // namespace

BOOST_AUTO_TEST_SUITE(login)

BOOST_AUTO_TEST_CASE(success_reports_session_id_and_role) {
  test_server server;
  auto c = server.connect(control);
  const auto reply = c.login("admin", "admin");
  BOOST_TEST(reply.ok());
  BOOST_TEST(reply.command == "Login");
  BOOST_TEST(reply.integer("SessionId") >= 1);
  BOOST_TEST(*reply.value("Role") == "admin");
  BOOST_TEST(!reply.value("Capabilities"));
  BOOST_TEST(c.login("alice", "secret").value("Role").value() == "user");
}

BOOST_AUTO_TEST_CASE(upper_case_digest_is_accepted) {
  test_server server;
  auto c = server.connect(control);
  std::string upper = admin_digest;
  for (auto& ch : upper)
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  BOOST_TEST(c.call("Login", {{"UserName", "admin"}, {"Password", upper}}).ok());
}

BOOST_AUTO_TEST_CASE(wrong_password_unknown_user_and_malformed_digest_are_code_7) {
  test_server server;
  auto c = server.connect(control);
  BOOST_TEST(c.login("admin", "nope").result() == result_code::user_or_password_error);
  BOOST_TEST(c.login("mallory", "admin").result() == result_code::user_or_password_error);
  BOOST_TEST(
      c.call("Login", {{"UserName", "admin"}, {"Password", admin_digest.substr(1)}}).result() ==
      result_code::user_or_password_error);
  BOOST_TEST(server.context().metrics.login_failures.value() == 3);
}

BOOST_AUTO_TEST_CASE(missing_or_repeated_keys_are_parameter_errors) {
  test_server server;
  auto c = server.connect(control);
  BOOST_TEST(c.call("Login", {{"UserName", "admin"}}).result() == result_code::parameter_error);
  BOOST_TEST(c.call("Login", {{"Password", admin_digest}}).result() ==
             result_code::parameter_error);
  BOOST_TEST(
      c.call("Login", {{"UserName", "admin"}, {"UserName", "admin"}, {"Password", admin_digest}})
          .result() == result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(failure_limit_sends_notice_and_closes) {
  test_server server([](asyncsvr::server_config& c) { c.max_login_failures = 3; });
  auto c = server.connect(control);
  BOOST_TEST(c.login("admin", "x").result() == result_code::user_or_password_error);
  BOOST_TEST(c.login("admin", "y").result() == result_code::user_or_password_error);
  // A success in between does not reset the count (§19.4).
  BOOST_TEST(c.login("admin", "admin").ok());
  BOOST_TEST(c.login("admin", "z").result() == result_code::user_or_password_error);
  const auto notice = c.receive();
  BOOST_TEST(notice.command == "Disconnect");
  BOOST_TEST(notice.result() == result_code::too_many_login_failures);
  BOOST_TEST(c.closed_by_server(std::chrono::seconds(3)));
}

BOOST_AUTO_TEST_CASE(commands_before_login_get_code_8_and_the_connection_stays) {
  test_server server;
  auto c = server.connect(control);
  BOOST_TEST(c.call("GetClients").result() == result_code::not_login);
  BOOST_TEST(c.call("Stats").result() == result_code::not_login);
  BOOST_TEST(c.call("Active").ok());  // allowed before login
  BOOST_TEST(c.login("admin", "admin").ok());
  BOOST_TEST(c.call("Stats").ok());
}

BOOST_AUTO_TEST_CASE(failed_login_logs_the_session_out) {
  test_server server;
  auto c = server.connect(control);
  BOOST_TEST(c.login("admin", "admin").ok());
  BOOST_TEST(c.call("Stats").ok());
  BOOST_TEST(c.login("admin", "wrong").result() == result_code::user_or_password_error);
  BOOST_TEST(c.call("Stats").result() == result_code::not_login);
}

BOOST_AUTO_TEST_CASE(repeated_login_replaces_the_identity) {
  test_server server;
  auto c = server.connect(control);
  BOOST_TEST(c.login("alice", "secret").ok());
  BOOST_TEST(c.call("GetClients").result() == result_code::permission_denied);
  BOOST_TEST(c.login("admin", "admin").ok());
  BOOST_TEST(c.call("GetClients").ok());
}

BOOST_AUTO_TEST_CASE(order_of_checks_follows_section_6_4) {
  test_server server;
  auto c = server.connect(control);
  // Unknown command beats NotLogin; NotLogin beats a bad key.
  BOOST_TEST(c.call("NoSuchThing").result() == result_code::not_exist_command);
  BOOST_TEST(c.call("Kick", {{"SessionId", "x"}}).result() == result_code::not_login);
  BOOST_TEST(c.login("alice", "secret").ok());
  // Role beats a bad key.
  BOOST_TEST(c.call("Kick", {{"SessionId", "x"}}).result() == result_code::permission_denied);
  BOOST_TEST(c.login("admin", "admin").ok());
  BOOST_TEST(c.call("Kick", {{"SessionId", "x"}}).result() == result_code::parameter_error);
  const char payload[] = "x";
  BOOST_TEST(c.call("Active", {}, {payload, 1}).result() == result_code::parameter_error);
}

BOOST_AUTO_TEST_CASE(unknown_command_is_echoed_and_connection_stays) {
  test_server server;
  auto c = server.connect(control);
  const auto reply = c.call("frobnicate");
  BOOST_TEST(reply.command == "frobnicate");
  BOOST_TEST(reply.result() == result_code::not_exist_command);
  BOOST_TEST(c.call("Active").ok());
}

BOOST_AUTO_TEST_CASE(plaintext_login_policy) {
  test_server deny([](asyncsvr::server_config& config) {
    config.login_on_plaintext = asyncsvr::plaintext_login::deny;
  });
  auto refused = deny.connect(control);
  BOOST_TEST(refused.login("admin", "admin").result() == result_code::permission_denied);
  test_server loopback([](asyncsvr::server_config& config) {
    config.login_on_plaintext = asyncsvr::plaintext_login::loopback;
  });
  auto allowed = loopback.connect(control);
  BOOST_TEST(allowed.login("admin", "admin").ok());
}

BOOST_AUTO_TEST_CASE(concurrent_logins_do_not_block_other_sessions) {
  test_server server;
  // A login waits for PBKDF2 off the I/O threads; meanwhile another session is served.
  auto busy = server.connect(control);
  busy.send("Login", {{"UserName", "nobody"}, {"Password", admin_digest}});
  auto other = server.connect(control);
  BOOST_TEST(other.call("Active").ok());
  BOOST_TEST(busy.receive().result() == result_code::user_or_password_error);
}

BOOST_AUTO_TEST_SUITE_END()
