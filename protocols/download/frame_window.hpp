#pragma once
// PROTOCOL.md §8.2 pacing of a download push: where on the wire (session::bytes_queued()) each of
// its queued Data frames ends, oldest first. A frame has left once session::bytes_written() has
// reached its end, so how many are still queued is a comparison, not a callback per write.
//
// Thread-safety: none; used on the session's strand.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace asyncsvr::protocols {

class frame_window {
 public:
  // `capacity`: the most frames ever queued at once (download_inflight).
  explicit frame_window(std::size_t capacity) : ends_(capacity) {}

  // Whether `capacity` frames end beyond `written`, so that no more may be queued now. Forgets
  // the frames that have left.
  bool full(std::uint64_t written) noexcept {
    while (count_ > 0 && ends_[first_] <= written) {
      first_ = (first_ + 1) % ends_.size();
      --count_;
    }
    return count_ == ends_.size();
  }

  // A frame queued up to `end`. Precondition: !full().
  void add(std::uint64_t end) noexcept {
    ends_[(first_ + count_) % ends_.size()] = end;
    ++count_;
  }

 private:
  std::vector<std::uint64_t> ends_;  // a ring: count_ entries from first_ on
  std::size_t first_ = 0;
  std::size_t count_ = 0;
};

}  // namespace asyncsvr::protocols
