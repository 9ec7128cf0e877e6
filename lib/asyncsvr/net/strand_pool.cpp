#include "asyncsvr/net/strand_pool.hpp"

#include <algorithm>

namespace asyncsvr::net {

strand_type strand_pool::acquire() {
  std::lock_guard lock(mutex_);
  if (free_.empty()) {
    for (std::size_t i = 0; i < batch; ++i)
      free_.push_back(boost::asio::make_strand(io_));
  }
  strand_type strand = std::move(free_.back());
  free_.pop_back();
  low_water_ = std::min(low_water_, free_.size());
  return strand;
}

void strand_pool::release(strand_type strand) {
  std::lock_guard lock(mutex_);
  free_.push_back(std::move(strand));
}

std::size_t strand_pool::trim() {
  std::lock_guard lock(mutex_);
  // The bottom of the stack is what stayed idle: acquire() and release() work at the top.
  // Erasing destroys those strands in place, so trimming allocates nothing.
  const std::size_t unused = low_water_;
  free_.erase(free_.begin(), free_.begin() + static_cast<std::ptrdiff_t>(unused));
  low_water_ = free_.size();
  return unused;
}

std::size_t strand_pool::pooled() const {
  std::lock_guard lock(mutex_);
  return free_.size();
}

}  // namespace asyncsvr::net
