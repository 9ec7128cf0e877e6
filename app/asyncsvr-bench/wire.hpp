#pragma once
// The few frames the generator sends, built with the project's codec (PROTOCOL.md §3, §4, §6,
// §13), and the checks it applies to replies.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::bench {

inline constexpr char throughput_flag = 0x05;
inline constexpr char control_flag = 0x08;

// A Login frame (§6.2) with the MD5 wire form of `password`.
std::string login_frame(std::string_view user, std::string_view password, byte_order order);
// An Active frame (§6.3).
std::string active_frame(byte_order order);
// A CyclePacket frame (§13.1), for one-off use outside the pipelined hot path.
std::string cycle_packet_frame(std::int64_t count, std::span<const char> payload, byte_order order);

// The reply's Code, or nullopt when it is missing or not a decimal in 0 … 2^32−1 (§4.5).
std::optional<std::uint32_t> reply_code(const codec::command_text& reply);
// The value of an int64 key, or nullopt.
std::optional<std::int64_t> reply_integer(const codec::command_text& reply, std::string_view key);

// A batch of pipelined CyclePacket requests going out in one write. Small payloads are copied
// into one contiguous buffer (one iovec is cheaper than many tiny ones); large payloads are not
// copied at all: the batch gathers each request's header and text with a reference to the one
// shared payload. Capacity is reserved for `depth` requests up front, so building a batch
// allocates nothing.
class request_batch {
 public:
  request_batch(std::size_t payload_size, std::size_t depth, byte_order order);

  void clear() noexcept;
  void add(std::int64_t count);
  // The whole batch; valid until the next clear() or add().
  std::span<const boost::asio::const_buffer> buffers();
  std::size_t size() const noexcept { return requests_; }

 private:
  static constexpr std::size_t inline_payload_limit = 4096;

  std::vector<char> payload_;
  byte_order order_;
  bool inline_payload_;
  std::string text_;               // scratch for one request's text block
  std::string bytes_;              // whole frames, or headers + texts when the payload is gathered
  std::vector<std::size_t> ends_;  // end offset in bytes_ of each request's header + text
  std::vector<boost::asio::const_buffer> buffers_;
  std::size_t requests_ = 0;
};

}  // namespace asyncsvr::bench
