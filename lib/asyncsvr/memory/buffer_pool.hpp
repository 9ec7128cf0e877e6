#pragma once
// Recycling byte buffers in power-of-two size classes (4 KiB … 8 MiB).
//
// Each I/O thread keeps a small lock-free cache per class; behind the caches sits a shared depot
// guarded by one mutex per class. Memory cached in the depot is capped, and trim() returns to the
// system whatever the depot did not need since the previous trim, so memory comes back after a
// burst. Requests above the largest class are served exactly and never cached.
//
// Thread-safety: acquire(), release (buffer destruction), stats() and trim() may be called from
// any thread. A thread uses its private cache only after bind_current_thread(); others use the
// depot directly.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace asyncsvr::memory {

class buffer_pool;

// A pooled buffer; move-only, returns to its pool when destroyed.
class buffer {
 public:
  buffer() noexcept = default;
  buffer(buffer&& other) noexcept { swap(other); }
  buffer& operator=(buffer&& other) noexcept {
    buffer(std::move(other)).swap(*this);
    return *this;
  }
  buffer(const buffer&) = delete;
  buffer& operator=(const buffer&) = delete;
  ~buffer();

  char* data() const noexcept { return data_; }
  std::size_t capacity() const noexcept { return capacity_; }
  explicit operator bool() const noexcept { return data_ != nullptr; }

  void swap(buffer& other) noexcept {
    std::swap(pool_, other.pool_);
    std::swap(data_, other.data_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  friend class buffer_pool;
  buffer(buffer_pool* pool, char* data, std::size_t capacity) noexcept
      : pool_(pool), data_(data), capacity_(capacity) {}
  buffer_pool* pool_ = nullptr;
  char* data_ = nullptr;
  std::size_t capacity_ = 0;
};

struct buffer_pool_stats {
  std::uint64_t in_use_bytes = 0;  // held by sessions right now
  std::uint64_t in_use_buffers = 0;
  std::uint64_t cached_bytes = 0;     // free, kept for reuse (depot and thread caches)
  std::uint64_t footprint_bytes = 0;  // obtained from the system and not yet returned
  std::uint64_t footprint_high_water = 0;
  std::uint64_t system_allocations = 0;  // times a buffer had to come from the system
  std::uint64_t acquisitions = 0;
};

class buffer_pool {
 public:
  static constexpr std::size_t smallest_class = 4 * 1024;
  static constexpr std::size_t class_count = 12;  // 4 KiB … 8 MiB
  static constexpr std::size_t largest_class = smallest_class << (class_count - 1);

  // worker_threads: how many threads may call bind_current_thread() (indices 0 … n-1).
  // cache_limit: most bytes kept in the depot for reuse.
  buffer_pool(std::size_t worker_threads, std::size_t cache_limit);
  ~buffer_pool();
  buffer_pool(const buffer_pool&) = delete;
  buffer_pool& operator=(const buffer_pool&) = delete;

  // Gives the calling thread the private cache with this index (an I/O thread calls it once).
  void bind_current_thread(std::size_t index);

  // A buffer of at least min_capacity bytes (min_capacity ≥ 1).
  buffer acquire(std::size_t min_capacity);

  buffer_pool_stats stats() const;

  // Returns to the system the depot buffers that went unused since the previous trim; returns
  // the number of bytes released.
  std::size_t trim();

 private:
  friend class buffer;
  struct thread_cache;
  struct depot_class {
    std::mutex mutex;
    std::vector<char*> free;
    std::size_t low_water = 0;  // fewest free buffers seen since the last trim
  };

  void release(char* data, std::size_t capacity) noexcept;
  thread_cache* current_cache() noexcept;
  char* allocate_from_system(std::size_t bytes);
  void free_to_system(char* data, std::size_t bytes) noexcept;
  bool give_to_depot(std::size_t cls, char* data) noexcept;
  char* take_from_depot(std::size_t cls) noexcept;

  std::vector<std::unique_ptr<thread_cache>> caches_;
  std::array<depot_class, class_count> depot_;
  const std::size_t cache_limit_;
  std::uint64_t id_ = 0;  // tells a thread binding to this pool from one to a dead pool
  std::atomic<std::uint64_t> depot_bytes_{0};
  std::atomic<std::uint64_t> footprint_bytes_{0};
  std::atomic<std::uint64_t> footprint_high_water_{0};
  std::atomic<std::uint64_t> system_allocations_{0};
  // Acquisitions and releases by threads without a private cache.
  std::atomic<std::uint64_t> shared_acquired_bytes_{0};
  std::atomic<std::uint64_t> shared_released_bytes_{0};
  std::atomic<std::uint64_t> shared_acquired_count_{0};
  std::atomic<std::uint64_t> shared_released_count_{0};
};

}  // namespace asyncsvr::memory
