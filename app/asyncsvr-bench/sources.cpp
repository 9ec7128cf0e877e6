#include "sources.hpp"

#include <netinet/in.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>

namespace asyncsvr::bench {

namespace {

boost::asio::ip::address_v4 parse_v4(std::string_view text) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address_v4(std::string(text), ec);
  if (ec) throw std::invalid_argument("not an IPv4 address: '" + std::string(text) + "'");
  return address;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ')
    s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ')
    s.remove_suffix(1);
  return s;
}

}  // namespace

boost::asio::ip::tcp::endpoint resolve_target(const std::string& host, std::uint16_t port) {
  boost::asio::io_context io;
  boost::asio::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto results = resolver.resolve(host, std::to_string(port), ec);
  if (ec || results.empty())
    throw std::runtime_error("cannot resolve " + host + ": " + ec.message());
  return results.begin()->endpoint();
}

source_addresses::source_addresses(std::string_view spec) {
  while (!spec.empty()) {
    const auto comma = spec.find(',');
    const auto item = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (item.empty()) continue;
    const auto dash = item.find('-');
    const auto first = parse_v4(item.substr(0, dash)).to_uint();
    const auto last =
        dash == std::string_view::npos ? first : parse_v4(item.substr(dash + 1)).to_uint();
    if (last < first)
      throw std::invalid_argument("empty address range '" + std::string(item) + "'");
    for (auto a = first;; ++a) {
      addresses_.emplace_back(a);
      if (a == last) break;
    }
  }
}

source_addresses source_addresses::part(std::size_t k, std::size_t parts) const {
  source_addresses slice;
  if (empty()) return slice;
  if (size() < parts) {
    throw std::invalid_argument(std::to_string(size()) + " source addresses cannot be shared by " +
                                std::to_string(parts) + " processes");
  }
  slice.addresses_.assign(
      addresses_.begin() + static_cast<std::ptrdiff_t>(k * size() / parts),
      addresses_.begin() + static_cast<std::ptrdiff_t>((k + 1) * size() / parts));
  return slice;
}

void source_addresses::open_and_bind(boost::asio::ip::tcp::socket& socket, std::size_t i,
                                     boost::system::error_code& ec) const {
  socket.open(boost::asio::ip::tcp::v4(), ec);
  if (ec || addresses_.empty()) return;
#ifdef IP_BIND_ADDRESS_NO_PORT
  // Without this, bind() must pick a port before it knows the destination and so can use each
  // port once per source address; with it, connect() picks a port unique per 4-tuple.
  const int on = 1;
  ::setsockopt(socket.native_handle(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
#endif
  socket.bind({addresses_[i % addresses_.size()], 0}, ec);
}

}  // namespace asyncsvr::bench
