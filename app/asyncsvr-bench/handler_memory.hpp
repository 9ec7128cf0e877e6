#pragma once
// Per-operation handler memory, after Asio's custom allocation example. Asio's default recycling
// cache keeps only two blocks per thread, so with many connections whose read and write
// operations differ in size it misses and calls malloc for nearly every operation. A connection
// that has at most one read and one write outstanding instead gives each its own block, bound to
// the handler with bind_allocator(); steady-state traffic then allocates nothing.
//
// Thread-safety: none; a block serves one operation at a time, on the connection's thread.

#include <array>
#include <cstddef>
#include <new>

#include <boost/asio/bind_allocator.hpp>

namespace asyncsvr::bench {

template <std::size_t Size>
class handler_memory {
 public:
  handler_memory() = default;
  handler_memory(const handler_memory&) = delete;
  handler_memory& operator=(const handler_memory&) = delete;

  void* allocate(std::size_t size) {
    if (!in_use_ && size <= storage_.size()) {
      in_use_ = true;
      return storage_.data();
    }
    return ::operator new(size);  // a second operation at once, or an unexpectedly large one
  }

  void deallocate(void* pointer) noexcept {
    if (pointer == storage_.data()) {
      in_use_ = false;
    } else {
      ::operator delete(pointer);
    }
  }

 private:
  alignas(std::max_align_t) std::array<std::byte, Size> storage_;
  bool in_use_ = false;
};

// The minimal allocator Asio needs to use a handler_memory.
template <class T, std::size_t Size>
class handler_allocator {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = handler_allocator<U, Size>;
  };

  explicit handler_allocator(handler_memory<Size>& memory) noexcept : memory_(&memory) {}
  template <class U>
  handler_allocator(const handler_allocator<U, Size>& other) noexcept : memory_(other.memory_) {}

  T* allocate(std::size_t n) { return static_cast<T*>(memory_->allocate(sizeof(T) * n)); }
  void deallocate(T* pointer, std::size_t) noexcept { memory_->deallocate(pointer); }

  template <class U>
  bool operator==(const handler_allocator<U, Size>& other) const noexcept {
    return memory_ == other.memory_;
  }

 private:
  template <class, std::size_t>
  friend class handler_allocator;
  handler_memory<Size>* memory_;
};

// `handler`, allocating its operation from `memory`.
template <std::size_t Size, class Handler>
auto with_memory(handler_memory<Size>& memory, Handler&& handler) {
  return boost::asio::bind_allocator(handler_allocator<std::byte, Size>(memory),
                                     std::forward<Handler>(handler));
}

}  // namespace asyncsvr::bench
