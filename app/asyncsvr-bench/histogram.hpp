#pragma once
// A log-linear latency histogram in the spirit of HdrHistogram: values below 2^sub_bits are
// counted exactly, larger ones land in one of 2^sub_bits linear sub-buckets of their power of two,
// so every recorded value is known to within 1/2^sub_bits (< 0.8 %). The counters are one flat
// array sized once, so recording is an index computation and an increment — no allocation per
// sample, which keeps the load generator from measuring its own allocator.
//
// Thread-safety: none; each I/O thread records into its own histogram and they are merged after
// the threads have stopped.

#include <array>
#include <cstdint>

namespace asyncsvr::bench {

struct latency_summary {
  std::uint64_t samples = 0;
  double min_us = 0;
  double mean_us = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
};

class histogram {
 public:
  static constexpr unsigned sub_bits = 7;
  static constexpr unsigned max_bits = 40;  // 2^40 ns ≈ 18 minutes; larger values are clamped

  void record(std::uint64_t nanoseconds) noexcept;
  void merge(const histogram& other) noexcept;

  std::uint64_t count() const noexcept { return count_; }
  // The value below which `fraction` of the samples lie, in nanoseconds (the midpoint of the
  // bucket that holds that rank); 0 when empty.
  std::uint64_t percentile(double fraction) const noexcept;
  latency_summary summary() const noexcept;

 private:
  static constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;
  static constexpr std::size_t bucket_count = (max_bits - sub_bits + 1) * sub_count;

  static std::size_t index_of(std::uint64_t value) noexcept;
  static std::uint64_t lowest_of(std::size_t index) noexcept;
  static std::uint64_t width_of(std::size_t index) noexcept;

  std::array<std::uint64_t, bucket_count> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t min_ = UINT64_MAX;
  std::uint64_t max_ = 0;
};

}  // namespace asyncsvr::bench
