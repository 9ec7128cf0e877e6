#include "asyncsvr/net/send_queue.hpp"

#include <cstring>
#include <vector>

#include "asyncsvr/codec/frame.hpp"

namespace asyncsvr::net {

void send_queue::append_frame(std::string_view text, std::span<const char> payload,
                              byte_order order) {
  const std::size_t size = codec::frame_size(text.size(), payload.size());
  // Coalesce into the last buffer when it has room: many small replies then leave in one
  // contiguous piece and the pool is touched once per batch, not once per frame.
  if (head_ < segments_.size()) {
    auto& tail = segments_.back();
    if (tail.owned && tail.owned.capacity() - tail.size >= size) {
      codec::write_frame(tail.owned.data() + tail.size, text, payload, order);
      tail.size += size;
      bytes_ += size;
      return;
    }
  }
  segment s;
  s.owned = pool_.acquire(std::max(size, segment_size_));
  s.data = s.owned.data();
  s.size = size;
  codec::write_frame(s.owned.data(), text, payload, order);
  segments_.push_back(std::move(s));
  bytes_ += size;
}

void send_queue::append_shared(std::shared_ptr<const std::string> bytes) {
  if (bytes->empty()) return;
  segment s;
  s.data = bytes->data();
  s.size = bytes->size();
  s.shared = std::move(bytes);
  bytes_ += s.size;
  segments_.push_back(std::move(s));
}

void send_queue::append_rest(std::span<const boost::asio::const_buffer> pieces, std::size_t skip) {
  const std::size_t size = boost::asio::buffer_size(pieces) - skip;
  if (size == 0) return;
  segment s;
  s.owned = pool_.acquire(std::max(size, segment_size_));
  s.data = s.owned.data();
  s.size = size;
  char* out = s.owned.data();
  for (const auto& piece : pieces) {
    const auto* data = static_cast<const char*>(piece.data());
    std::size_t length = piece.size();
    const std::size_t skipped = std::min(skip, length);
    skip -= skipped;
    length -= skipped;
    if (length > 0) std::memcpy(out, data + skipped, length);
    out += length;
  }
  segments_.push_back(std::move(s));
  bytes_ += size;
}

std::span<const boost::asio::const_buffer> send_queue::gather(std::size_t max_buffers) {
  thread_local std::vector<boost::asio::const_buffer> gather_;
  gather_.clear();
  for (std::size_t i = head_; i < segments_.size() && gather_.size() < max_buffers; ++i) {
    const std::size_t skip = i == head_ ? head_offset_ : 0;
    gather_.emplace_back(segments_[i].data + skip, segments_[i].size - skip);
  }
  return gather_;
}

void send_queue::consume(std::size_t n) noexcept {
  bytes_ -= n;
  while (n > 0) {
    auto& s = segments_[head_];
    const std::size_t left = s.size - head_offset_;
    if (n < left) {
      head_offset_ += n;
      return;
    }
    n -= left;
    s = segment{};  // returns the buffer to the pool now, not when the vector is reused
    ++head_;
    head_offset_ = 0;
  }
  if (head_ == segments_.size()) {
    segments_.clear();  // keeps capacity: steady-state appends do not allocate
    head_ = 0;
  } else if (head_ >= 64 && head_ * 2 >= segments_.size()) {
    // A queue that never fully drains would otherwise grow its vector of spent segments.
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void send_queue::clear() noexcept {
  segments_.clear();
  head_ = 0;
  head_offset_ = 0;
  bytes_ = 0;
}

}  // namespace asyncsvr::net
