#pragma once
// The steady clock read cheaply, for the timestamps taken on every request (last activity, last
// write progress). CLOCK_MONOTONIC_COARSE is the same monotonic clock as std::chrono::steady_clock
// on Linux, read without the TSC at a few milliseconds' resolution: ample for deadlines of
// seconds, and it took a measurable share of a request's CPU time when read precisely twice per
// request. Elsewhere it falls back to steady_clock.

#include <chrono>

#if defined(__linux__)
#include <time.h>
#endif

namespace asyncsvr::net {

struct coarse_clock {
  static std::chrono::steady_clock::time_point now() noexcept {
#if defined(__linux__) && defined(CLOCK_MONOTONIC_COARSE)
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return std::chrono::steady_clock::time_point(
        std::chrono::duration_cast<std::chrono::steady_clock::duration>(
            std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
#else
    return std::chrono::steady_clock::now();
#endif
  }
};

}  // namespace asyncsvr::net
