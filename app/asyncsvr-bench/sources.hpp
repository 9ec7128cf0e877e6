#pragma once
// Source addresses for outgoing connections. Each (source address, destination) pair has its own
// ~28k ephemeral ports, so spreading connections over 127.0.0.2-127.0.0.254 lets one process open
// far more than 64k loopback connections, and lets the accept test churn without running out of
// ports to TIME_WAIT.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace asyncsvr::bench {

// The first endpoint `host`:`port` resolves to; throws std::runtime_error when there is none.
boost::asio::ip::tcp::endpoint resolve_target(const std::string& host, std::uint16_t port);

class source_addresses {
 public:
  source_addresses() = default;
  // "A", "A-B" (an inclusive IPv4 range), or several of those separated by commas; empty = let the
  // kernel choose. Throws std::invalid_argument on bad syntax.
  explicit source_addresses(std::string_view spec);

  bool empty() const noexcept { return addresses_.empty(); }
  std::size_t size() const noexcept { return addresses_.size(); }

  // The k-th of `parts` contiguous slices of the addresses, for one of several processes that
  // should not share source addresses; empty when this is empty. Throws std::invalid_argument
  // when there are fewer addresses than parts.
  source_addresses part(std::size_t k, std::size_t parts) const;

  // Opens `socket` for IPv4 and, unless empty(), binds it to the (i mod size)-th address with the
  // port left for connect() to choose.
  void open_and_bind(boost::asio::ip::tcp::socket& socket, std::size_t i,
                     boost::system::error_code& ec) const;

 private:
  std::vector<boost::asio::ip::address_v4> addresses_;
};

}  // namespace asyncsvr::bench
