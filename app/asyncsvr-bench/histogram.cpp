#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace asyncsvr::bench {

std::size_t histogram::index_of(std::uint64_t value) noexcept {
  value = std::min(value, (std::uint64_t{1} << max_bits) - 1);
  if (value < sub_count) return static_cast<std::size_t>(value);
  // For value in [2^e, 2^(e+1)), the top sub_bits+1 bits select one of sub_count sub-buckets.
  const unsigned exponent = static_cast<unsigned>(std::bit_width(value)) - 1;
  const unsigned shift = exponent - sub_bits;
  const std::uint64_t sub = (value >> shift) - sub_count;
  return static_cast<std::size_t>((shift + 1) * sub_count + sub);
}

std::uint64_t histogram::lowest_of(std::size_t index) noexcept {
  if (index < sub_count) return index;
  const std::uint64_t shift = index / sub_count - 1;
  const std::uint64_t sub = index % sub_count;
  return (sub_count + sub) << shift;
}

std::uint64_t histogram::width_of(std::size_t index) noexcept {
  if (index < sub_count) return 1;
  return std::uint64_t{1} << (index / sub_count - 1);
}

void histogram::record(std::uint64_t nanoseconds) noexcept {
  ++counts_[index_of(nanoseconds)];
  ++count_;
  sum_ += nanoseconds;
  min_ = std::min(min_, nanoseconds);
  max_ = std::max(max_, nanoseconds);
}

void histogram::merge(const histogram& other) noexcept {
  for (std::size_t i = 0; i < bucket_count; ++i)
    counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

std::uint64_t histogram::percentile(double fraction) const noexcept {
  if (count_ == 0) return 0;
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < bucket_count; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      // The exact extremes are known; never report a midpoint outside them.
      return std::clamp(lowest_of(i) + width_of(i) / 2, min_, max_);
    }
  }
  return max_;
}

latency_summary histogram::summary() const noexcept {
  latency_summary s;
  s.samples = count_;
  if (count_ == 0) return s;
  constexpr double ns_per_us = 1000.0;
  s.min_us = static_cast<double>(min_) / ns_per_us;
  s.max_us = static_cast<double>(max_) / ns_per_us;
  s.mean_us = static_cast<double>(sum_) / static_cast<double>(count_) / ns_per_us;
  s.p50_us = static_cast<double>(percentile(0.50)) / ns_per_us;
  s.p99_us = static_cast<double>(percentile(0.99)) / ns_per_us;
  s.p999_us = static_cast<double>(percentile(0.999)) / ns_per_us;
  return s;
}

}  // namespace asyncsvr::bench
