#include "asyncsvr/net/open_acceptor.hpp"

#include <sstream>

#include <boost/asio/ip/v6_only.hpp>

namespace asyncsvr::net {

void open_acceptor(boost::asio::ip::tcp::acceptor& acceptor,
                   const boost::asio::ip::tcp::endpoint& endpoint, int backlog,
                   std::string_view what) {
  boost::system::error_code ec;
  const auto check = [&](const char* step) {
    if (!ec) return;
    std::ostringstream message;
    message << what << ": cannot " << step << " " << endpoint;
    throw boost::system::system_error(ec, message.str());
  };
  acceptor.open(endpoint.protocol(), ec);
  check("open a socket for");
  acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  check("set SO_REUSEADDR on");
  if (endpoint.address().is_v6()) {
    acceptor.set_option(boost::asio::ip::v6_only(true), ec);
    check("set IPV6_V6ONLY on");
  }
  acceptor.bind(endpoint, ec);
  check("bind");
  acceptor.listen(backlog, ec);
  check("listen on");
}

}  // namespace asyncsvr::net
