#pragma once
// Room inside a session for the completion handler every session has pending: the wait for data
// (an operation of 112 bytes). Taking it from the session object keeps it out of malloc's heap,
// where thousands of long-lived operations would sit between other objects and keep pages
// resident after a burst of connections has gone. The other one a session may have, the wait for
// send space while a write is blocked (the steady state of a download to a reader slower than the
// disk), is short-lived and comes from Asio's per-thread recycling cache, as does any operation
// larger than the slot (a change of handler type could cause that), so none allocates per frame.
//
// Thread-safety: allocate() and deallocate() may race (the reactor frees an operation on one
// thread while the session's strand starts another on a different one), so slots are claimed
// with atomic exchanges.

#include <atomic>
#include <cstddef>

#include <boost/asio/recycling_allocator.hpp>

#include "asyncsvr/memory/resource_allocator.hpp"

namespace asyncsvr::net {

class handler_memory {
 public:
  static constexpr std::size_t slot_size = 112;

  handler_memory() = default;
  handler_memory(const handler_memory&) = delete;
  handler_memory& operator=(const handler_memory&) = delete;

  void* allocate(std::size_t size) {
    if (size <= slot_size && !in_use_.exchange(true, std::memory_order_acquire)) return slot_;
    return fallback().allocate(size);
  }

  void deallocate(void* p, std::size_t size) noexcept {
    if (p == slot_) {
      in_use_.store(false, std::memory_order_release);
      return;
    }
    fallback().deallocate(static_cast<std::byte*>(p), size);
  }

 private:
  static boost::asio::recycling_allocator<std::byte> fallback() noexcept { return {}; }

  alignas(void*) std::byte slot_[slot_size];  // what Asio's operations need
  std::atomic<bool> in_use_{false};
};

// The allocator a completion handler carries to use a session's handler_memory.
template <class T>
using handler_allocator = memory::resource_allocator<T, handler_memory>;

}  // namespace asyncsvr::net
