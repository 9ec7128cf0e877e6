#include "asyncsvr/net/send_queue.hpp"

#include <cstring>
#include <vector>

#include "asyncsvr/codec/frame.hpp"

namespace asyncsvr::net {

void send_queue::push(segment s) {
  if (segments_.size() == segments_.capacity()) {
    // Full: drop the spent segments before growing; a queue that never drains completely (a
    // download to a busy reader) then reuses its room instead of growing now and then.
    if (head_ > 0) {
      segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(head_));
      head_ = 0;
    }
    // Past the two inline segments (a download keeps a few frames queued, each a header and a
    // handed-over chunk), room for a working set at once rather than step by step.
    if (segments_.size() == segments_.capacity() && segments_.capacity() < spilled_capacity) {
      segments_.reserve(spilled_capacity);
    }
  }
  segments_.push_back(std::move(s));
}

char* send_queue::extend(std::size_t size) {
  // Coalesce into the last buffer when it has room: many small replies then leave in one
  // contiguous piece and the pool is touched once per batch, not once per frame.
  if (head_ < segments_.size() && segments_.back().owned) {
    auto& tail = segments_.back();
    // A handed-over buffer's bytes may start past its beginning; what follows them is free.
    const auto used = static_cast<std::size_t>(tail.data - tail.owned.data()) + tail.size;
    if (tail.owned.capacity() - used >= size) {
      tail.size += size;
      bytes_ += size;
      return tail.owned.data() + used;
    }
  }
  segment s;
  s.owned = pool_.acquire(std::max<std::size_t>(size, segment_size_));
  s.data = s.owned.data();
  s.size = size;
  push(std::move(s));
  bytes_ += size;
  return segments_.back().owned.data();
}

void send_queue::append_frame(std::string_view text, std::span<const char> payload,
                              byte_order order) {
  codec::write_frame(extend(codec::frame_size(text.size(), payload.size())), text, payload, order);
}

void send_queue::append_head(std::string_view text, std::size_t payload_size, byte_order order) {
  char* out = extend(codec::frame_size(text.size(), 0));
  codec::write_frame_header(out, text.size(), payload_size, order);
  std::memcpy(out + codec::frame_header_size, text.data(), text.size());
}

void send_queue::append_owned(memory::buffer bytes, std::size_t offset, std::size_t size) {
  if (size == 0) return;
  segment s;
  s.data = bytes.data() + offset;
  s.size = size;
  s.owned = std::move(bytes);
  bytes_ += size;
  push(std::move(s));
}

void send_queue::append_shared(std::shared_ptr<const std::string> bytes) {
  if (bytes->empty()) return;
  segment s;
  s.data = bytes->data();
  s.size = bytes->size();
  s.shared = std::move(bytes);
  bytes_ += s.size;
  push(std::move(s));
}

void send_queue::append_rest(std::span<const boost::asio::const_buffer> pieces, std::size_t skip) {
  const std::size_t size = boost::asio::buffer_size(pieces) - skip;
  if (size == 0) return;
  segment s;
  s.owned = pool_.acquire(std::max<std::size_t>(size, segment_size_));
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
  push(std::move(s));
  bytes_ += size;
}

std::span<const boost::asio::const_buffer> send_queue::gather(std::size_t max_buffers) {
  thread_local std::vector<boost::asio::const_buffer> gather_;
  gather_.clear();
  gather_.reserve(max_buffers);  // once per thread and size: never during steady traffic
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
    head_offset_ = 0;
    // Returns the buffer to the pool now, not when the vector is reused; the last one may stay.
    if (++head_ < segments_.size()) s = segment{};
  }
  // A queue that never fully drains drops its spent segments in push(), when it needs room.
  if (!segments_.empty() && head_ == segments_.size()) keep_spare();
}

// The queue has drained. A busy session writes its next replies into the same pooled segment,
// emptied, instead of taking one from the pool and giving it back for every reply (about 200 of
// a small request's 3,000-odd user-space instructions); release_spare() gives it back when the
// session goes idle.
void send_queue::keep_spare() noexcept {
  head_ = 0;
  auto& last = segments_.back();
  if (!last.owned || last.owned.capacity() != segment_size_) {
    segments_.clear();  // keeps capacity: steady-state appends do not allocate
    return;
  }
  last.shared.reset();
  last.data = last.owned.data();
  last.size = 0;
  if (segments_.size() > 1) {
    segments_.front() = std::move(last);
    segments_.erase(segments_.begin() + 1, segments_.end());
  }
}

void send_queue::release_spare() noexcept {
  if (bytes_ == 0) clear();
}

void send_queue::clear() noexcept {
  segments_.clear();
  head_ = 0;
  head_offset_ = 0;
  bytes_ = 0;
}

}  // namespace asyncsvr::net
