#include "asyncsvr/memory/buffer_pool.hpp"

#include <bit>
#include <cstdlib>
#include <new>
#include <sys/mman.h>

namespace asyncsvr::memory {

namespace {

// Large buffers come straight from mmap so that freeing them really returns the pages; glibc's
// adaptive mmap threshold would otherwise keep them in the heap after the first free.
constexpr std::size_t mmap_threshold = 64 * 1024;
// Only small classes get per-thread caches; large buffers are rare and shared through the depot.
constexpr std::size_t largest_thread_cached = 64 * 1024;
constexpr std::size_t thread_cache_bytes_per_class = 64 * 1024;
constexpr std::size_t thread_cache_max_count = 16;
constexpr std::size_t depot_reserve = 64;

std::size_t class_index(std::size_t bytes) noexcept {
  if (bytes <= buffer_pool::smallest_class) return 0;
  return static_cast<std::size_t>(std::bit_width(bytes - 1)) - 12;  // 2^12 = smallest class
}

constexpr std::size_t class_size(std::size_t cls) noexcept {
  return buffer_pool::smallest_class << cls;
}

std::size_t thread_cache_capacity(std::size_t cls) noexcept {
  const std::size_t size = class_size(cls);
  if (size > largest_thread_cached) return 0;
  return std::min(thread_cache_max_count, thread_cache_bytes_per_class / size);
}

std::atomic<std::uint64_t> next_pool_id{1};

struct thread_binding {
  std::uint64_t pool_id = 0;
  void* cache = nullptr;
};
thread_local thread_binding current_binding;

void bump(std::atomic<std::uint64_t>& counter, std::uint64_t amount) noexcept {
  counter.fetch_add(amount, std::memory_order_relaxed);
}

}  // namespace

// Written only by its owning thread; other threads read the counters for stats.
struct buffer_pool::thread_cache {
  std::array<std::vector<char*>, class_count> free;
  std::atomic<std::uint64_t> acquired_bytes{0};
  std::atomic<std::uint64_t> released_bytes{0};
  std::atomic<std::uint64_t> acquired_count{0};
  std::atomic<std::uint64_t> released_count{0};
  std::atomic<std::uint64_t> cached_bytes{0};

  static void add(std::atomic<std::uint64_t>& counter, std::uint64_t amount) noexcept {
    // Single writer: a plain load and store avoids a locked instruction on the hot path.
    counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
  }
};

buffer::~buffer() {
  if (pool_) pool_->release(data_, capacity_);
}

buffer_pool::buffer_pool(std::size_t worker_threads, std::size_t cache_limit)
    : cache_limit_(cache_limit) {
  caches_.reserve(worker_threads);
  for (std::size_t i = 0; i < worker_threads; ++i) {
    auto cache = std::make_unique<thread_cache>();
    for (std::size_t cls = 0; cls < class_count; ++cls) {
      cache->free[cls].reserve(thread_cache_capacity(cls));
    }
    caches_.push_back(std::move(cache));
  }
  // Room for the buffers that cross threads in steady traffic (a download's chunks are taken on
  // one thread and given back on another), so that the depot's lists do not grow during it.
  for (auto& depot : depot_)
    depot.free.reserve(depot_reserve);
  id_ = next_pool_id.fetch_add(1, std::memory_order_relaxed);
}

buffer_pool::~buffer_pool() {
  for (auto& cache : caches_) {
    for (std::size_t cls = 0; cls < class_count; ++cls) {
      for (char* data : cache->free[cls])
        free_to_system(data, class_size(cls));
    }
  }
  for (std::size_t cls = 0; cls < class_count; ++cls) {
    for (char* data : depot_[cls].free)
      free_to_system(data, class_size(cls));
  }
}

void buffer_pool::bind_current_thread(std::size_t index) {
  current_binding = {id_, caches_.at(index).get()};
}

buffer_pool::thread_cache* buffer_pool::current_cache() noexcept {
  return current_binding.pool_id == id_ ? static_cast<thread_cache*>(current_binding.cache)
                                        : nullptr;
}

buffer buffer_pool::acquire(std::size_t min_capacity) {
  if (min_capacity > largest_class) {
    bump(shared_acquired_bytes_, min_capacity);
    bump(shared_acquired_count_, 1);
    return buffer(this, allocate_from_system(min_capacity), min_capacity);
  }
  const std::size_t cls = class_index(min_capacity);
  const std::size_t size = class_size(cls);
  char* data = nullptr;
  if (auto* cache = current_cache()) {
    auto& list = cache->free[cls];
    if (!list.empty()) {
      data = list.back();
      list.pop_back();
      thread_cache::add(cache->cached_bytes, 0 - size);
    }
    thread_cache::add(cache->acquired_bytes, size);
    thread_cache::add(cache->acquired_count, 1);
  } else {
    bump(shared_acquired_bytes_, size);
    bump(shared_acquired_count_, 1);
  }
  if (!data) data = take_from_depot(cls);
  if (!data) data = allocate_from_system(size);
  return buffer(this, data, size);
}

void buffer_pool::release(char* data, std::size_t capacity) noexcept {
  if (capacity > largest_class) {
    bump(shared_released_bytes_, capacity);
    bump(shared_released_count_, 1);
    free_to_system(data, capacity);
    return;
  }
  const std::size_t cls = class_index(capacity);
  if (auto* cache = current_cache()) {
    thread_cache::add(cache->released_bytes, capacity);
    thread_cache::add(cache->released_count, 1);
    auto& list = cache->free[cls];
    if (list.size() < list.capacity()) {
      list.push_back(data);  // never reallocates: capacity was reserved up front
      thread_cache::add(cache->cached_bytes, capacity);
      return;
    }
  } else {
    bump(shared_released_bytes_, capacity);
    bump(shared_released_count_, 1);
  }
  if (!give_to_depot(cls, data)) free_to_system(data, capacity);
}

char* buffer_pool::take_from_depot(std::size_t cls) noexcept {
  auto& depot = depot_[cls];
  std::lock_guard lock(depot.mutex);
  if (depot.free.empty()) return nullptr;
  char* data = depot.free.back();
  depot.free.pop_back();
  depot.low_water = std::min(depot.low_water, depot.free.size());
  depot_bytes_.fetch_sub(class_size(cls), std::memory_order_relaxed);
  return data;
}

bool buffer_pool::give_to_depot(std::size_t cls, char* data) noexcept {
  const std::size_t size = class_size(cls);
  if (depot_bytes_.load(std::memory_order_relaxed) + size > cache_limit_) return false;
  auto& depot = depot_[cls];
  std::lock_guard lock(depot.mutex);
  try {
    depot.free.push_back(data);
  } catch (const std::bad_alloc&) {
    return false;
  }
  depot_bytes_.fetch_add(size, std::memory_order_relaxed);
  return true;
}

char* buffer_pool::allocate_from_system(std::size_t bytes) {
  void* data = nullptr;
  if (bytes >= mmap_threshold) {
    data = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (data == MAP_FAILED) throw std::bad_alloc();
  } else {
    data = std::malloc(bytes);
    if (!data) throw std::bad_alloc();
  }
  bump(system_allocations_, 1);
  const auto footprint = footprint_bytes_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
  auto high = footprint_high_water_.load(std::memory_order_relaxed);
  while (footprint > high &&
         !footprint_high_water_.compare_exchange_weak(high, footprint, std::memory_order_relaxed)) {
  }
  return static_cast<char*>(data);
}

void buffer_pool::free_to_system(char* data, std::size_t bytes) noexcept {
  if (bytes >= mmap_threshold) {
    ::munmap(data, bytes);
  } else {
    std::free(data);
  }
  footprint_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
}

std::size_t buffer_pool::trim() {
  std::size_t released = 0;
  for (std::size_t cls = 0; cls < class_count; ++cls) {
    auto& depot = depot_[cls];
    std::lock_guard lock(depot.mutex);
    // Buffers below the low-water mark sat idle for a whole trim period. The free list is a
    // stack (taken and returned at the back), so those are the bottom `surplus` entries; the
    // top holds the buffers that were just in use, which are the ones worth keeping. Freeing
    // in place (no temporary list) keeps trim() allocation-free, like steady traffic.
    const std::size_t surplus = depot.low_water;
    const auto idle_end = depot.free.begin() + static_cast<std::ptrdiff_t>(surplus);
    for (auto it = depot.free.begin(); it != idle_end; ++it)
      free_to_system(*it, class_size(cls));
    depot.free.erase(depot.free.begin(), idle_end);
    depot.low_water = depot.free.size();
    depot_bytes_.fetch_sub(surplus * class_size(cls), std::memory_order_relaxed);
    released += surplus * class_size(cls);
  }
  return released;
}

buffer_pool_stats buffer_pool::stats() const {
  buffer_pool_stats s;
  std::uint64_t acquired_bytes = shared_acquired_bytes_.load(std::memory_order_relaxed);
  std::uint64_t released_bytes = shared_released_bytes_.load(std::memory_order_relaxed);
  std::uint64_t acquired_count = shared_acquired_count_.load(std::memory_order_relaxed);
  std::uint64_t released_count = shared_released_count_.load(std::memory_order_relaxed);
  s.cached_bytes = depot_bytes_.load(std::memory_order_relaxed);
  for (const auto& cache : caches_) {
    acquired_bytes += cache->acquired_bytes.load(std::memory_order_relaxed);
    released_bytes += cache->released_bytes.load(std::memory_order_relaxed);
    acquired_count += cache->acquired_count.load(std::memory_order_relaxed);
    released_count += cache->released_count.load(std::memory_order_relaxed);
    s.cached_bytes += cache->cached_bytes.load(std::memory_order_relaxed);
  }
  // Counters from different threads are read at slightly different moments; clamp the
  // difference so a racing snapshot never shows a negative (wrapped) figure.
  s.in_use_bytes = acquired_bytes > released_bytes ? acquired_bytes - released_bytes : 0;
  s.in_use_buffers = acquired_count > released_count ? acquired_count - released_count : 0;
  s.acquisitions = acquired_count;
  s.footprint_bytes = footprint_bytes_.load(std::memory_order_relaxed);
  s.footprint_high_water = footprint_high_water_.load(std::memory_order_relaxed);
  s.system_allocations = system_allocations_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace asyncsvr::memory
