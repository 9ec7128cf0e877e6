#pragma once

#include <memory>

#include <boost/asio/bind_executor.hpp>
#include <boost/system/error_code.hpp>

namespace asyncsvr::net {

// A completion handler that keeps `self` alive and runs `Method` on `strand`: the shape every
// wait of a handshake or a session takes.
template <auto Method, class Self, class Executor>
auto strand_handler(const Executor& strand, std::shared_ptr<Self> self) {
  return boost::asio::bind_executor(
      strand,
      [self = std::move(self)](const boost::system::error_code& ec) { ((*self).*Method)(ec); });
}

}  // namespace asyncsvr::net
