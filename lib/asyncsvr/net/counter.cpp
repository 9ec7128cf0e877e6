#include "asyncsvr/net/counter.hpp"

namespace asyncsvr::net::detail {

std::size_t counter_slot() noexcept {
  static std::atomic<std::size_t> next{0};
  thread_local const std::size_t slot =
      next.fetch_add(1, std::memory_order_relaxed) % counter::slot_count;
  return slot;
}

}  // namespace asyncsvr::net::detail
