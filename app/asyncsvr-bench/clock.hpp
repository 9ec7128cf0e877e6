#pragma once
// One monotonic time base for every latency the generator measures.

#include <chrono>
#include <cstdint>
#include <thread>

namespace asyncsvr::bench {

inline std::int64_t now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline void sleep_seconds(double seconds) {
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
}

// Polls `done` every few milliseconds for at most `timeout` seconds; returns its last value.
template <class Predicate>
bool wait_until(Predicate&& done, double timeout) {
  const auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(timeout));
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace asyncsvr::bench
