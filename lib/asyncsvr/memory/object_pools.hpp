#pragma once
// Storage for the long-lived, per-connection objects (sessions, handshakes) in 64 KiB slabs mapped
// straight from the operating system, one set of slabs per 16-byte size class
// (fine enough that a session wastes little rounding up: a connection's memory is the figure).
//
// Why not malloc: after a burst of connections closes, the freed sessions would sit in malloc's
// heap between the small objects that outlive them (Asio keeps a reactor record per descriptor
// for reuse), pinning nearly every page. Slabs hold only objects of one kind, so a slab whose
// objects are all gone is returned to the system at once (one empty slab per class is kept to
// absorb churn), and RSS follows the connection count down.
//
// Thread-safety: allocate(), deallocate() and stats() may be called from any thread; each size
// class has its own mutex (connections come and go far less often than requests).

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include "asyncsvr/memory/resource_allocator.hpp"

namespace asyncsvr::memory {

struct object_pools_stats {
  std::uint64_t slabs = 0;
  std::uint64_t slab_bytes = 0;
  std::uint64_t objects = 0;
};

class object_pools {
 public:
  static constexpr std::size_t granularity = 16;
  static constexpr std::size_t largest = 4096;  // larger objects use operator new
  static constexpr std::size_t slab_size = 64 * 1024;

  object_pools() = default;
  ~object_pools();
  object_pools(const object_pools&) = delete;
  object_pools& operator=(const object_pools&) = delete;

  void* allocate(std::size_t bytes);
  void deallocate(void* p, std::size_t bytes) noexcept;
  object_pools_stats stats() const;

 private:
  struct slab;
  struct size_class {
    mutable std::mutex mutex;
    slab* partial = nullptr;  // slabs with at least one free chunk
    slab* spare = nullptr;    // one empty slab kept for the next allocation
    std::uint64_t slabs = 0;
    std::uint64_t objects = 0;
  };

  static slab* map_slab(std::size_t chunk_size);
  static void unmap_slab(slab* s) noexcept;
  static void push_front(slab*& head, slab* s) noexcept;
  static void unlink(slab*& head, slab* s) noexcept;

  std::array<size_class, largest / granularity> classes_;
};

// For std::allocate_shared of sessions and handshakes.
template <class T>
using pool_allocator = resource_allocator<T, object_pools>;

}  // namespace asyncsvr::memory
