#include "asyncsvr/net/address_counts.hpp"

namespace asyncsvr::net {

namespace ip = boost::asio::ip;

address_counts::shard& address_counts::shard_for(const ip::address& canonical) const noexcept {
  return shards_[std::hash<ip::address>{}(canonical) % shard_count];
}

bool address_counts::acquire(const ip::address& address) {
  if (limit_ == 0) return true;
  const auto key = canonical_address(address);
  auto& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  auto& n = s.counts[key];  // a new entry starts at 0 and is raised below
  if (n >= limit_) return false;
  ++n;
  return true;
}

void address_counts::release(const ip::address& address) noexcept {
  if (limit_ == 0) return;
  const auto key = canonical_address(address);
  auto& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  const auto it = s.counts.find(key);
  if (it == s.counts.end()) return;
  if (--it->second > 0) return;
  s.counts.erase(it);
  // As the session registry does: hand a mostly empty table back after a burst of addresses.
  if (s.counts.size() * 4 < s.counts.bucket_count() && s.counts.bucket_count() > 64) {
    s.counts.rehash(0);
  }
}

std::uint64_t address_counts::count(const ip::address& address) const {
  if (limit_ == 0) return 0;
  const auto key = canonical_address(address);
  auto& s = shard_for(key);
  std::lock_guard lock(s.mutex);
  const auto it = s.counts.find(key);
  return it == s.counts.end() ? 0 : it->second;
}

std::uint64_t address_counts::addresses() const {
  std::uint64_t total = 0;
  for (auto& s : shards_) {  // mutable: counting locks each shard
    std::lock_guard lock(s.mutex);
    total += s.counts.size();
  }
  return total;
}

}  // namespace asyncsvr::net
