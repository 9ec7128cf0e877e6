#pragma once
// Splits the bytes a generator connection reads into PROTOCOL.md §3 frames without buffering
// payloads: the generator only needs each reply's text block and payload length, so payload
// bytes are counted and dropped as they arrive. Whatever the read boundaries, a frame whose text
// lies whole inside one read is handed over as a view into that read (no copy); only a text block
// split across reads is gathered in a small reused string. Steady-state reading allocates nothing.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "asyncsvr/codec/frame.hpp"

namespace asyncsvr::bench {

class frame_reader {
 public:
  explicit frame_reader(byte_order order) : order_(order) { text_.reserve(256); }

  // Calls on_frame(std::string_view text, std::uint32_t payload_size) -> bool for every frame
  // completed by these bytes; a false return stops reading. Returns false on a frame that breaks
  // §3.3 (or when on_frame asked to stop); the stream is unusable afterwards.
  template <class OnFrame>
  bool feed(const char* data, std::size_t size, OnFrame&& on_frame);

 private:
  enum class stage { header, text, payload };
  // Reads the two lengths; false when they break §3.3.
  bool start_frame(const char* header) noexcept;

  static constexpr std::uint32_t max_packet = 4 * 1024 * 1024;  // §3.3 default M

  byte_order order_;
  stage stage_ = stage::header;
  char header_[codec::frame_header_size] = {};
  std::size_t header_fill_ = 0;
  std::string text_;
  std::uint32_t text_size_ = 0;
  std::uint32_t payload_size_ = 0;
  std::uint32_t payload_left_ = 0;
};

inline bool frame_reader::start_frame(const char* header) noexcept {
  const std::uint32_t packet = codec::load_u32(header, order_);
  const std::uint32_t text = codec::load_u32(header + 4, order_);
  if (packet < 4 || packet > max_packet || text == 0 || text > packet - 4) return false;
  text_size_ = text;
  payload_size_ = packet - 4 - text;
  return true;
}

template <class OnFrame>
bool frame_reader::feed(const char* data, std::size_t size, OnFrame&& on_frame) {
  while (size > 0) {
    if (stage_ == stage::header) {
      const char* header = data;
      if (header_fill_ == 0 && size >= codec::frame_header_size) {
        data += codec::frame_header_size;
        size -= codec::frame_header_size;
      } else {
        const std::size_t take = std::min(codec::frame_header_size - header_fill_, size);
        std::memcpy(header_ + header_fill_, data, take);
        header_fill_ += take;
        data += take;
        size -= take;
        if (header_fill_ < codec::frame_header_size) return true;
        header = header_;
      }
      header_fill_ = 0;
      if (!start_frame(header)) return false;
      // Fast path: the whole rest of the frame is in this read.
      if (size >= std::size_t{text_size_} + payload_size_) {
        if (!on_frame(std::string_view(data, text_size_), payload_size_)) return false;
        data += text_size_ + payload_size_;
        size -= text_size_ + payload_size_;
        continue;
      }
      text_.clear();
      stage_ = stage::text;
    }
    if (stage_ == stage::text) {
      const std::size_t take = std::min<std::size_t>(text_size_ - text_.size(), size);
      text_.append(data, take);
      data += take;
      size -= take;
      if (text_.size() < text_size_) return true;
      payload_left_ = payload_size_;
      stage_ = stage::payload;
    }
    // stage::payload
    const std::size_t take = std::min<std::size_t>(payload_left_, size);
    data += take;
    size -= take;
    payload_left_ -= static_cast<std::uint32_t>(take);
    if (payload_left_ > 0) return true;
    stage_ = stage::header;
    if (!on_frame(std::string_view(text_), payload_size_)) return false;
  }
  return true;
}

}  // namespace asyncsvr::bench
