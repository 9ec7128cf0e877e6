#pragma once
// Counts a Broadcast's outcome across the strands of its recipients; the last recipient to
// report hands the totals back to the sender, whose reply then carries exact figures.

#include <atomic>
#include <cstdint>
#include <functional>

namespace asyncsvr::protocols {

struct broadcast_tally {
  std::atomic<std::int64_t> delivered{0};
  std::atomic<std::int64_t> dropped{0};
  std::atomic<std::size_t> pending{0};
  std::function<void(std::int64_t delivered, std::int64_t dropped)> on_complete;

  void recipient_done() {
    if (pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      on_complete(delivered.load(std::memory_order_relaxed),
                  dropped.load(std::memory_order_relaxed));
    }
  }
};

}  // namespace asyncsvr::protocols
