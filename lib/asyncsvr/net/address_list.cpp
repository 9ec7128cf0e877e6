#include "asyncsvr/net/address_list.hpp"

#include <charconv>
#include <string>

namespace asyncsvr::net {

namespace {

namespace ip = boost::asio::ip;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

bool within(const ip::network_v4& net, const ip::address_v4& a) {
  return ip::network_v4(a, net.prefix_length()).network() == net.network();
}

bool within(const ip::network_v6& net, const ip::address_v6& a) {
  return ip::network_v6(a, net.prefix_length()).network() == net.network();
}

}  // namespace

ip::address canonical_address(const ip::address& address) noexcept {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

std::optional<address_list> address_list::parse(std::string_view text, std::string* error) {
  const auto refuse = [&](std::string_view item, std::string_view why) {
    if (error) *error = "'" + std::string(item) + "' " + std::string(why);
    return std::nullopt;
  };
  address_list list;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto item = trim(text.substr(0, comma));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (item.empty()) continue;
    const auto slash = item.find('/');
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(item.substr(0, slash)), ec);
    if (ec) return refuse(item, "is not an IP address or CIDR block");
    const unsigned max_bits = address.is_v4() ? 32 : 128;
    unsigned bits = max_bits;
    if (slash != std::string_view::npos) {
      const auto digits = item.substr(slash + 1);
      const auto [end, failed] =
          std::from_chars(digits.data(), digits.data() + digits.size(), bits);
      if (failed != std::errc() || end != digits.data() + digits.size() || bits > max_bits) {
        return refuse(item, "has a bad prefix length (0 to " + std::to_string(max_bits) + ")");
      }
    }
    // The network of the address (host bits cleared), so that 127.0.0.1/8 means 127.0.0.0/8.
    if (address.is_v4()) {
      list.networks_.emplace_back(
          ip::network_v4(address.to_v4(), static_cast<unsigned short>(bits)).canonical());
    } else {
      list.networks_.emplace_back(
          ip::network_v6(address.to_v6(), static_cast<unsigned short>(bits)).canonical());
    }
  }
  return list;
}

bool address_list::contains(ip::address address) const {
  address = canonical_address(address);
  for (const auto& network : networks_) {
    const bool match = std::visit(
        [&](const auto& net) {
          using net_type = std::decay_t<decltype(net)>;
          if constexpr (std::is_same_v<net_type, ip::network_v4>) {
            return address.is_v4() && within(net, address.to_v4());
          } else {
            return address.is_v6() && within(net, address.to_v6());
          }
        },
        network);
    if (match) return true;
  }
  return false;
}

}  // namespace asyncsvr::net
