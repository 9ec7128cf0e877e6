#include "asyncsvr/net/strand_pool.hpp"

namespace asyncsvr::net {

strand_type strand_pool::acquire() {
  std::lock_guard lock(mutex_);
  if (ready_.empty()) {
    for (std::size_t i = 0; i < batch; ++i)
      ready_.push_back(boost::asio::make_strand(io_));
  }
  strand_type strand = std::move(ready_.back());
  ready_.pop_back();
  return strand;
}

std::size_t strand_pool::ready() const {
  std::lock_guard lock(mutex_);
  return ready_.size();
}

}  // namespace asyncsvr::net
