#pragma once

#include <memory>

#include <boost/system/error_code.hpp>

#include "asyncsvr/net/io_types.hpp"

namespace asyncsvr::net {

// A completion handler that keeps `self` alive and runs `Method` on `self`'s strand: the shape
// every wait of a handshake or a session takes. It holds nothing but the shared_ptr and asks
// `self` for the strand when Asio wants it, rather than carrying a copy: Asio stores the handler
// in each pending operation, and a session always has one pending.
template <auto Method, class Self>
class strand_handler {
 public:
  using executor_type = strand_type;

  explicit strand_handler(std::shared_ptr<Self> self) noexcept : self_(std::move(self)) {}

  executor_type get_executor() const noexcept { return self_->strand(); }
  void operator()(const boost::system::error_code& ec) { ((*self_).*Method)(ec); }

 protected:
  Self& self() const noexcept { return *self_; }

 private:
  std::shared_ptr<Self> self_;
};

}  // namespace asyncsvr::net
