#pragma once
// A session's outbound bytes: frames copied into pooled buffers (small frames share a buffer),
// shared immutable frames (broadcasts) queued by reference, and pooled buffers handed over whole
// (file chunks read straight into them). The writer asks for one gather list of everything
// pending, writes what the socket takes, and consumes that many bytes.
//
// Thread-safety: none; a session touches its queue only on its strand.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/container/small_vector.hpp>

#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/memory/buffer_pool.hpp"

namespace asyncsvr::net {

class send_queue {
 public:
  // Frames up to segment_size share pooled buffers of that size; larger frames get their own.
  send_queue(memory::buffer_pool& pool, std::uint32_t segment_size) noexcept
      : pool_(pool), segment_size_(segment_size) {}

  void append_frame(std::string_view text, std::span<const char> payload, byte_order order);
  void append_shared(std::shared_ptr<const std::string> bytes);
  // The header and text of a frame whose payload (payload_size bytes) the caller queues next.
  void append_head(std::string_view text, std::size_t payload_size, byte_order order);
  // Takes over `bytes` and queues its bytes [offset, offset + size) without copying them.
  void append_owned(memory::buffer bytes, std::size_t offset, std::size_t size);
  // Copies the bytes of `pieces`, as if concatenated, from offset `skip` on: what a direct write
  // of a frame left unwritten.
  void append_rest(std::span<const boost::asio::const_buffer> pieces, std::size_t skip);

  bool empty() const noexcept { return bytes_ == 0; }
  std::size_t bytes() const noexcept { return bytes_; }

  // Everything pending, at most max_buffers entries; valid until the next gather() on this thread
  // (the list lives in per-thread storage, since it is only ever used for one write).
  std::span<const boost::asio::const_buffer> gather(std::size_t max_buffers = 64);
  // Drops the first n bytes (they were written); frees segments that are done.
  void consume(std::size_t n) noexcept;
  void clear() noexcept;
  // Gives back the buffer an empty queue keeps for the next replies (an idle session holds none).
  void release_spare() noexcept;

 private:
  struct segment {
    memory::buffer owned;
    std::shared_ptr<const std::string> shared;
    const char* data = nullptr;
    std::size_t size = 0;
  };

  // Room for `size` more bytes at the end of the queue, in the last owned buffer if they fit.
  char* extend(std::size_t size);

  static constexpr std::size_t spilled_capacity = 32;
  void push(segment s);
  void keep_spare() noexcept;

  memory::buffer_pool& pool_;
  // Usually one or two segments: kept inline so that a session owns no heap memory of its own
  // between messages (an idle session then holds nothing but the object itself).
  boost::container::small_vector<segment, 2> segments_;
  std::uint32_t segment_size_;
  std::uint32_t head_ = 0;       // first segment with unsent bytes
  std::size_t head_offset_ = 0;  // bytes of segments_[head_] already sent
  std::size_t bytes_ = 0;
};

}  // namespace asyncsvr::net
