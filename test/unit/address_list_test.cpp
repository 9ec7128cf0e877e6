// The allow list of the legacy raw LogOutput mode (PROTOCOL.md §14.3).

#include "asyncsvr/net/address_list.hpp"

#include <boost/test/unit_test.hpp>

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
