#pragma once
// Turns a byte stream into frames whatever the read boundaries (PROTOCOL.md §3.3). The decoder is
// stateless: it examines the unconsumed bytes the caller holds and says whether they start with a
// complete frame, how many bytes are needed first, or which framing error they contain. Each
// length is checked against the limits before the caller buffers (or allocates for) the body.

#include <cstddef>
#include <cstdint>
#include <span>

#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::codec {

struct frame_limits {
  std::uint32_t max_packet_size = 4 * 1024 * 1024;
  std::uint32_t max_command_text = 64 * 1024;
  asyncsvr::byte_order byte_order = byte_order::little;
};

struct decode_result {
  enum class status { complete, need_more, error };
  status state = status::need_more;
  frame value;           // when complete
  std::size_t size = 0;  // complete: bytes consumed; need_more: total bytes required
  result_code error = result_code::success;  // when error
  // The text block's length once the length fields are in (0 before), so that a caller can act
  // on a large frame's text before its payload has arrived.
  std::size_t text_size = 0;
};

class frame_decoder {
 public:
  explicit frame_decoder(const frame_limits& limits) noexcept : limits_(limits) {}

  decode_result decode(std::span<const char> bytes) const noexcept;

  const frame_limits& limits() const noexcept { return limits_; }

 private:
  frame_limits limits_;
};

}  // namespace asyncsvr::codec
