#include "asyncsvr/net/session_registry.hpp"

namespace asyncsvr::net {

void session_registry::put(std::uint64_t id, std::weak_ptr<connection> target, std::uint8_t flag) {
  auto& s = shard_for(id);
  std::lock_guard lock(s.mutex);
  auto [it, inserted] = s.entries.try_emplace(id);
  if (inserted) {
    size_.fetch_add(1, std::memory_order_relaxed);
  } else {
    per_flag_[it->second.flag].fetch_sub(1, std::memory_order_relaxed);
  }
  it->second = {std::move(target), flag};
  per_flag_[flag].fetch_add(1, std::memory_order_relaxed);
}

void session_registry::remove(std::uint64_t id) noexcept {
  auto& s = shard_for(id);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(id);
  if (it == s.entries.end()) return;
  per_flag_[it->second.flag].fetch_sub(1, std::memory_order_relaxed);
  size_.fetch_sub(1, std::memory_order_relaxed);
  s.entries.erase(it);
  // Give the table back once it is mostly empty, so a burst leaves no large array behind; the
  // factor 4 keeps a shard that hovers around one size from resizing back and forth.
  if (s.entries.size() * 4 < s.entries.bucket_count() && s.entries.bucket_count() > 64) {
    s.entries.rehash(0);
  }
}

std::shared_ptr<connection> session_registry::find(std::uint64_t id) const {
  const auto& s = shard_for(id);
  std::lock_guard lock(s.mutex);
  auto it = s.entries.find(id);
  return it == s.entries.end() ? nullptr : it->second.target.lock();
}

std::vector<std::shared_ptr<connection>> session_registry::collect(std::uint8_t flag) const {
  std::vector<std::shared_ptr<connection>> out;
  out.reserve(flag == 0 ? size() : count(flag));
  for (const auto& s : shards_) {
    std::lock_guard lock(s.mutex);
    for (const auto& [id, e] : s.entries) {
      if (flag != 0 && e.flag != flag) continue;
      if (auto target = e.target.lock()) out.push_back(std::move(target));
    }
  }
  return out;
}

}  // namespace asyncsvr::net
