// The allow list of the legacy raw LogOutput mode (PROTOCOL.md §14.3), and the per-address
// connection counts of max_connections_per_ip.

#include "asyncsvr/net/address_list.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include <boost/test/unit_test.hpp>

#include "asyncsvr/net/address_counts.hpp"

using asyncsvr::net::address_list;
using boost::asio::ip::make_address;

BOOST_AUTO_TEST_SUITE(raw_mode_allow_list)

BOOST_AUTO_TEST_CASE(the_default_allows_loopback_only) {
  const auto list = address_list::parse("127.0.0.0/8, ::1");
  BOOST_REQUIRE(list.has_value());
  BOOST_TEST(list->contains(make_address("127.0.0.1")));
  BOOST_TEST(list->contains(make_address("127.200.0.9")));
  BOOST_TEST(list->contains(make_address("::1")));
  BOOST_TEST(list->contains(make_address("::ffff:127.0.0.1")));  // IPv4 on a dual-stack socket
  BOOST_TEST(!list->contains(make_address("10.0.0.1")));
  BOOST_TEST(!list->contains(make_address("::2")));
}

BOOST_AUTO_TEST_CASE(blocks_and_single_addresses) {
  const auto list = address_list::parse(" 10.1.2.3/16 ,fd00::/8, 192.0.2.7");
  BOOST_REQUIRE(list.has_value());
  BOOST_TEST(list->contains(make_address("10.1.255.1")));
  BOOST_TEST(!list->contains(make_address("10.2.0.1")));
  BOOST_TEST(list->contains(make_address("fdab::1")));
  BOOST_TEST(list->contains(make_address("192.0.2.7")));
  BOOST_TEST(!list->contains(make_address("192.0.2.8")));
  BOOST_TEST(address_list::parse("")->contains(make_address("127.0.0.1")) == false);
}

BOOST_AUTO_TEST_CASE(malformed_entries_are_refused) {
  BOOST_TEST(!address_list::parse("localhost").has_value());
  BOOST_TEST(!address_list::parse("10.0.0.0/33").has_value());
  BOOST_TEST(!address_list::parse("::1/129").has_value());
  BOOST_TEST(!address_list::parse("10.0.0.0/x").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

// max_connections_per_ip's table: exact counts under concurrency, IPv4-mapped IPv6 counted as
// IPv4, and nothing left behind once every connection has ended.
BOOST_AUTO_TEST_SUITE(address_counts)

using asyncsvr::net::address_counts;

BOOST_AUTO_TEST_CASE(a_mapped_address_counts_as_its_ipv4_form) {
  address_counts counts(2);
  BOOST_TEST(counts.acquire(make_address("10.0.0.1")));
  BOOST_TEST(counts.acquire(make_address("::ffff:10.0.0.1")));
  BOOST_TEST(!counts.acquire(make_address("10.0.0.1")));
  BOOST_TEST(!counts.acquire(make_address("::ffff:10.0.0.1")));
  BOOST_TEST(counts.acquire(make_address("10.0.0.2")));
  BOOST_TEST(counts.count(make_address("10.0.0.1")) == 2u);
  counts.release(make_address("::ffff:10.0.0.1"));
  BOOST_TEST(counts.acquire(make_address("10.0.0.1")));
}

BOOST_AUTO_TEST_CASE(entries_go_when_their_count_reaches_zero) {
  address_counts counts(5);
  for (unsigned i = 0; i < 1000; ++i)
    BOOST_REQUIRE(counts.acquire(boost::asio::ip::address_v4(0x0a000000U + i)));
  BOOST_TEST(counts.addresses() == 1000u);
  for (unsigned i = 0; i < 1000; ++i)
    counts.release(boost::asio::ip::address_v4(0x0a000000U + i));
  BOOST_TEST(counts.addresses() == 0u);
  counts.release(make_address("10.9.9.9"));  // nothing taken: no entry, no underflow
  BOOST_TEST(counts.addresses() == 0u);
}

BOOST_AUTO_TEST_CASE(unlimited_counts_nothing) {
  address_counts counts(0);
  for (int i = 0; i < 10; ++i)
    BOOST_TEST(counts.acquire(make_address("10.0.0.1")));
  BOOST_TEST(counts.addresses() == 0u);
}

BOOST_AUTO_TEST_CASE(counts_are_exact_under_concurrency) {
  constexpr unsigned limit = 50;
  constexpr int threads = 4;
  address_counts counts(limit);
  const auto shared = make_address("192.0.2.1");
  std::atomic<unsigned> admitted{0};
  std::atomic<bool> overrun{false};  // Boost.Test checks stay on the main thread
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      // Each thread takes what it can, gives half back, and takes again: at no point may more
      // than `limit` places be out, and at the end exactly `limit` are.
      unsigned mine = 0;
      for (int round = 0; round < 2000; ++round) {
        if (counts.acquire(shared)) ++mine;
        if (mine > 0 && round % 2 == 0) {
          counts.release(shared);
          --mine;
        }
        if (counts.count(shared) > limit) overrun = true;
      }
      admitted += mine;
    });
  }
  for (auto& w : workers)
    w.join();
  BOOST_TEST(!overrun.load());
  BOOST_TEST(admitted.load() == counts.count(shared));
  BOOST_TEST(counts.count(shared) <= limit);
}

BOOST_AUTO_TEST_SUITE_END()
