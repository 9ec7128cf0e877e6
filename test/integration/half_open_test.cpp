// Half-open peers (PROTOCOL.md §2.2): a client that vanishes without a FIN or RST (a cut cable, a
// crashed NAT) must not hold its session forever. The test runs in a network namespace of its
// own (half_open.sh starts it under `unshare -n`), where an nftables rule drops every packet of
// one client's port in both directions, exactly as if the peer had disappeared; no other traffic
// on the machine is touched.

#include <cstdlib>
#include <filesystem>
#include <string>

#include <boost/test/unit_test.hpp>

#include "file_helpers.hpp"
#include "test_server.hpp"

using asyncsvr::net::close_reason;
using namespace asyncsvr::test;
using namespace std::chrono_literals;

namespace {

void run(const std::string& command) {
  BOOST_TEST_REQUIRE(std::system(command.c_str()) == 0, command);
}

std::string network_namespace(const char* process) {
  std::error_code ec;
  return std::filesystem::read_symlink(std::string("/proc/") + process + "/ns/net", ec).string();
}

// The namespace starts with its loopback device down and without filters. Outside one, these
// filters would cut the machine's own loopback traffic: refuse.
struct private_loopback {
  private_loopback() {
    BOOST_TEST_REQUIRE(network_namespace("self") != network_namespace("1"),
                       "run this test through half_open.sh, in a network namespace of its own");
    run("ip link set lo up");
    run("nft add table inet half_open");
    run("nft add chain inet half_open out '{ type filter hook output priority 0; }'");
  }
  ~private_loopback() {
    if (std::system("nft delete table inet half_open") != 0) {
      BOOST_TEST_MESSAGE("could not remove the nftables rules of this namespace");
    }
  }
};

// From now on nothing reaches or leaves the client's port.
void vanish(asyncsvr::client::connection& c) {
  const auto port = std::to_string(c.socket().local_endpoint().port());
  for (const char* field : {"sport", "dport"}) {
    run(std::string("nft add rule inet half_open out tcp ") + field + " " + port + " drop");
  }
}

// Makes the client vanish, then expects its session closed for `reason` no sooner than its
// timer (1 s in these tests) and before `latest`.
void expect_closed_after_vanishing(test_server& server, asyncsvr::client::connection& c,
                                   close_reason reason, std::chrono::milliseconds latest) {
  vanish(c);
  const auto start = std::chrono::steady_clock::now();
  BOOST_TEST(eventually([&] { return server.context().registry.size() == 0; }, latest + 5s));
  const auto took = std::chrono::steady_clock::now() - start;
  BOOST_TEST((took >= 900ms && took < latest));
  BOOST_TEST(server.context().metrics.closed_count(reason) == 1);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(half_open, private_loopback)

BOOST_AUTO_TEST_CASE(a_silent_vanished_peer_is_evicted_at_the_idle_timeout) {
  test_server server([](auto& c) { c.idle_timeout = 1s; });
  auto c = server.login(control, false);
  expect_closed_after_vanishing(server, c, close_reason::idle_timeout, 5s);
}

BOOST_AUTO_TEST_CASE(a_vanished_peer_with_data_owed_is_closed_by_the_stall_rule) {
  test_server server([](auto& c) {
    c.send_stall_timeout = 1s;
    c.idle_timeout = 60s;  // so that only the stall rule can end it
  });
  write_file(server.file_root() / "big.bin", random_bytes(32 * 1024 * 1024, 5));
  auto c = server.login(download, false);
  // The push is under way (§11.3) when the peer vanishes; what the server still has to send
  // then can never be acknowledged.
  BOOST_TEST_REQUIRE(
      c.call("Download",
             {{"DirName", ""}, {"FileName", "big.bin"}, {"FileSize", "0"}, {"PacketSize", "65536"}})
          .ok());
  expect_closed_after_vanishing(server, c, close_reason::send_stall, 15s);
}

BOOST_AUTO_TEST_SUITE_END()
