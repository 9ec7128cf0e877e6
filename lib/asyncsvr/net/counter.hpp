#pragma once
// A monotonic counter that many threads bump without sharing a cache line: each thread adds to
// its own slot (chosen once per thread), and readers sum the slots. The first slot_count threads
// to count own their slot outright and update it without a locked instruction; later threads
// share slots and use an atomic add.
//
// Thread-safety: add() and value() may be called from any thread.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace asyncsvr::net {

namespace detail {

struct slot_assignment {
  std::size_t index = 0;
  bool exclusive = false;
  bool assigned = false;
};

// Constant-initialised, so reading it costs no TLS wrapper call.
inline thread_local slot_assignment current_counter_slot{};

void assign_counter_slot(slot_assignment& slot) noexcept;

inline const slot_assignment& counter_slot() noexcept {
  if (!current_counter_slot.assigned) assign_counter_slot(current_counter_slot);
  return current_counter_slot;
}

}  // namespace detail

class counter {
 public:
  static constexpr std::size_t slot_count = 8;

  void add(std::uint64_t amount = 1) noexcept {
    const auto& assignment = detail::counter_slot();
    auto& value = slots_[assignment.index].value;
    if (assignment.exclusive) {
      value.store(value.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
    } else {
      value.fetch_add(amount, std::memory_order_relaxed);
    }
  }

  std::uint64_t value() const noexcept {
    std::uint64_t total = 0;
    for (const auto& s : slots_)
      total += s.value.load(std::memory_order_relaxed);
    return total;
  }

 private:
  struct alignas(64) slot {
    std::atomic<std::uint64_t> value{0};
  };
  std::array<slot, slot_count> slots_{};
};

// A value that only ever rises (a high-water mark).
class high_water {
 public:
  void observe(std::uint64_t v) noexcept {
    auto current = value_.load(std::memory_order_relaxed);
    while (v > current && !value_.compare_exchange_weak(current, v, std::memory_order_relaxed)) {
    }
  }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A level that goes up and down (transfers in progress).
class gauge {
 public:
  void add(std::int64_t delta) noexcept { value_.fetch_add(delta, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept {
    const auto v = value_.load(std::memory_order_relaxed);
    return v < 0 ? 0 : static_cast<std::uint64_t>(v);
  }

 private:
  std::atomic<std::int64_t> value_{0};
};

// A level that many threads move often (bytes waiting in send queues): rises and falls go to two
// per-thread counters, so changing it costs what a counter costs, and a reader takes the
// difference. Read while it moves, the difference may lag by the moves in between.
class striped_level {
 public:
  void rise(std::uint64_t amount) noexcept { up_.add(amount); }
  void fall(std::uint64_t amount) noexcept { down_.add(amount); }
  std::uint64_t value() const noexcept {
    const auto down = down_.value();  // read first, so that a concurrent rise cannot go negative
    const auto up = up_.value();
    return up > down ? up - down : 0;
  }

 private:
  counter up_;
  counter down_;
};

}  // namespace asyncsvr::net
