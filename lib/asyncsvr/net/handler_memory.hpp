#pragma once
// Room inside a session for the completion handlers it has pending: the wait for data, the timer,
// and the wait for send space while a write is blocked — the steady state of a download to a
// reader slower than the disk (the strand's wrapper around a completion reuses the slot its
// operation just freed). Asio allocates an
// operation of about 200 bytes for each; taking them from the session object keeps them out of
// malloc's heap, where thousands of long-lived operations would sit between other objects and
// keep pages resident after a burst of connections has gone. A request that finds no free slot
// (a fourth operation at once, which the session never starts) falls back to operator new.
//
// Thread-safety: allocate() and deallocate() may race (the reactor frees an operation on one
// thread while the session's strand starts another on a different one), so slots are claimed
// with atomic exchanges.

#include <array>
#include <atomic>
#include <cstddef>
#include <new>

#include "asyncsvr/memory/resource_allocator.hpp"

namespace asyncsvr::net {

class handler_memory {
 public:
  static constexpr std::size_t slot_size = 208;
  static constexpr std::size_t slot_count = 3;

  handler_memory() = default;
  handler_memory(const handler_memory&) = delete;
  handler_memory& operator=(const handler_memory&) = delete;

  void* allocate(std::size_t size) {
    if (size <= slot_size) {
      for (std::size_t i = 0; i < slot_count; ++i) {
        if (!in_use_[i].exchange(true, std::memory_order_acquire)) return slots_[i].bytes;
      }
    }
    return ::operator new(size);
  }

  void deallocate(void* p, std::size_t /*size*/) noexcept {
    for (std::size_t i = 0; i < slot_count; ++i) {
      if (p == slots_[i].bytes) {
        in_use_[i].store(false, std::memory_order_release);
        return;
      }
    }
    ::operator delete(p);
  }

 private:
  struct slot {
    alignas(std::max_align_t) std::byte bytes[slot_size];
  };
  std::array<slot, slot_count> slots_;
  std::array<std::atomic<bool>, slot_count> in_use_{};
};

// The allocator a completion handler carries to use a session's handler_memory.
template <class T>
using handler_allocator = memory::resource_allocator<T, handler_memory>;

}  // namespace asyncsvr::net
