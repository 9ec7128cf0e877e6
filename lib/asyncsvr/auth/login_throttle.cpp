#include "asyncsvr/auth/login_throttle.hpp"

#include <algorithm>

namespace asyncsvr::auth {

std::chrono::milliseconds login_throttle::delay_for(const boost::asio::ip::address& address,
                                                    clock::time_point now) {
  if (settings_.failures == 0) return {};
  std::lock_guard lock(mutex_);
  const auto it = records_.find(address);
  if (it == records_.end() || expired(it->second, now) ||
      it->second.failures < settings_.failures) {
    return {};
  }
  // Doubling stops at max_delay, so however many failures piled up the loop stays short and the
  // product cannot overflow.
  auto delay = settings_.delay;
  for (unsigned beyond = it->second.failures - settings_.failures;
       beyond > 0 && delay < settings_.max_delay; --beyond) {
    delay *= 2;
  }
  backoffs_.fetch_add(1, std::memory_order_relaxed);
  return std::min(delay, settings_.max_delay);
}

void login_throttle::record_failure(const boost::asio::ip::address& address,
                                    clock::time_point now) {
  if (settings_.failures == 0) return;
  std::lock_guard lock(mutex_);
  auto it = records_.find(address);
  if (it == records_.end()) {
    if (records_.size() >= settings_.capacity) make_room(now);
    it = records_.emplace(address, record{}).first;
  } else if (expired(it->second, now)) {
    it->second.failures = 0;
  }
  ++it->second.failures;
  it->second.last_failure = now;
}

void login_throttle::make_room(clock::time_point now) {
  boost::unordered::erase_if(records_,
                             [&](const auto& entry) { return expired(entry.second, now); });
  if (records_.size() < settings_.capacity) return;
  // Full of live records (a wide attack): the stalest one matters least.
  const auto stalest = std::min_element(
      records_.begin(), records_.end(),
      [](const auto& a, const auto& b) { return a.second.last_failure < b.second.last_failure; });
  records_.erase(stalest);
}

std::size_t login_throttle::addresses() const {
  std::lock_guard lock(mutex_);
  return records_.size();
}

}  // namespace asyncsvr::auth
