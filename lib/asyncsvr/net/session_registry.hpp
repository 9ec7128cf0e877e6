#pragma once
// The online list: session ids (PROTOCOL.md §6.1), the live connections behind them, and counts
// per protocol. Sharded by id so that connects and disconnects on different threads rarely meet
// on one mutex; snapshots copy pointers under each shard's lock and do the real work outside it.
//
// Thread-safety: every member function may be called from any thread.

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include <boost/unordered/unordered_flat_map.hpp>

#include "asyncsvr/net/connection.hpp"

namespace asyncsvr::net {

class session_registry {
 public:
  // Ids start at 1, increase, and are never reused while the process runs.
  std::uint64_t next_id() noexcept { return next_id_.fetch_add(1, std::memory_order_relaxed); }

  // Registers (or re-registers, when a handshake becomes a protocol session) a connection.
  void put(std::uint64_t id, std::weak_ptr<connection> target, std::uint8_t flag);
  void remove(std::uint64_t id) noexcept;

  std::shared_ptr<connection> find(std::uint64_t id) const;
  // Every live connection, or only those past the handshake with the given flag (0 = all).
  std::vector<std::shared_ptr<connection>> collect(std::uint8_t flag = 0) const;

  std::uint64_t size() const noexcept { return size_.load(std::memory_order_relaxed); }
  std::uint64_t count(std::uint8_t flag) const noexcept {
    return per_flag_[flag].load(std::memory_order_relaxed);
  }

 private:
  struct entry {
    std::weak_ptr<connection> target;
    std::uint8_t flag = 0;
  };
  struct alignas(64) shard {
    mutable std::mutex mutex;
    // Open addressing: no allocation per connection, and the table shrinks when a burst ends.
    boost::unordered_flat_map<std::uint64_t, entry> entries;
  };
  static constexpr std::size_t shard_count = 32;

  shard& shard_for(std::uint64_t id) noexcept { return shards_[id % shard_count]; }
  const shard& shard_for(std::uint64_t id) const noexcept { return shards_[id % shard_count]; }

  std::array<shard, shard_count> shards_;
  std::atomic<std::uint64_t> next_id_{1};
  std::atomic<std::uint64_t> size_{0};
  std::array<std::atomic<std::uint64_t>, 256> per_flag_{};
};

}  // namespace asyncsvr::net
