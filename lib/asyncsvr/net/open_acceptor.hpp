#pragma once

#include <string_view>

#include <boost/asio/ip/tcp.hpp>

namespace asyncsvr::net {

// Opens, binds and starts listening, with SO_REUSEADDR (a restart must not wait for TIME_WAIT)
// and, for IPv6, IPV6_V6ONLY (IPv4 gets a listener of its own). Throws
// boost::system::system_error saying which step failed for which endpoint, prefixed by `what`.
void open_acceptor(boost::asio::ip::tcp::acceptor& acceptor,
                   const boost::asio::ip::tcp::endpoint& endpoint, int backlog,
                   std::string_view what);

}  // namespace asyncsvr::net
