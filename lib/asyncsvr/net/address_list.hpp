#pragma once
// A list of addresses and CIDR blocks, e.g. "127.0.0.0/8, ::1" (log_output_legacy_raw_allow,
// PROTOCOL.md §14.3), and whether a peer's address is in it. An IPv4 peer seen through an IPv6
// socket (::ffff:a.b.c.d) matches the IPv4 entries.
//
// Thread-safety: const after parsing.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>

namespace asyncsvr::net {

// The address as compared and counted: an IPv4-mapped IPv6 address becomes the IPv4 address.
boost::asio::ip::address canonical_address(const boost::asio::ip::address& address) noexcept;

class address_list {
 public:
  // nullopt when an entry is not an address or a CIDR block; `error` then says which and why.
  static std::optional<address_list> parse(std::string_view text, std::string* error = nullptr);

  bool contains(boost::asio::ip::address address) const;

 private:
  std::vector<std::variant<boost::asio::ip::network_v4, boost::asio::ip::network_v6>> networks_;
};

}  // namespace asyncsvr::net
