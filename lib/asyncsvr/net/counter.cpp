#include "asyncsvr/net/counter.hpp"

namespace asyncsvr::net::detail {

void assign_counter_slot(slot_assignment& slot) noexcept {
  static std::atomic<std::size_t> next{0};
  const std::size_t n = next.fetch_add(1, std::memory_order_relaxed);
  slot.index = n % counter::slot_count;
  slot.exclusive = n < counter::slot_count;
  slot.assigned = true;
}

}  // namespace asyncsvr::net::detail
