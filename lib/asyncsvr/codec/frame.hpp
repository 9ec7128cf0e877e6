#pragma once
// PROTOCOL.md §3: a frame is packetLength (u32), commandLength (u32), the text block and an
// optional payload. These helpers read and write the two length fields in the configured byte
// order; they are shared by the server, the client library and the tools.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::codec {

inline constexpr std::size_t frame_header_size = 8;

// A decoded frame; both views point into the receive buffer and live as long as it does.
struct frame {
  std::string_view text;
  std::span<const char> payload;
};

inline std::uint32_t load_u32(const char* bytes, byte_order order) noexcept {
  unsigned char b[4];
  std::memcpy(b, bytes, 4);
  if (order == byte_order::little) {
    return std::uint32_t{b[0]} | std::uint32_t{b[1]} << 8 | std::uint32_t{b[2]} << 16 |
           std::uint32_t{b[3]} << 24;
  }
  return std::uint32_t{b[3]} | std::uint32_t{b[2]} << 8 | std::uint32_t{b[1]} << 16 |
         std::uint32_t{b[0]} << 24;
}

inline void store_u32(char* bytes, std::uint32_t v, byte_order order) noexcept {
  const unsigned char b[4] = {static_cast<unsigned char>(v), static_cast<unsigned char>(v >> 8),
                              static_cast<unsigned char>(v >> 16),
                              static_cast<unsigned char>(v >> 24)};
  if (order == byte_order::little) {
    std::memcpy(bytes, b, 4);
  } else {
    const unsigned char r[4] = {b[3], b[2], b[1], b[0]};
    std::memcpy(bytes, r, 4);
  }
}

// Bytes a frame with this text and payload occupies on the wire.
constexpr std::size_t frame_size(std::size_t text_size, std::size_t payload_size) noexcept {
  return frame_header_size + text_size + payload_size;
}

// Writes the two length fields of a frame with this text and payload to `out`
// (frame_header_size bytes); for senders that write the text and payload from where they are.
inline void write_frame_header(char* out, std::size_t text_size, std::size_t payload_size,
                               byte_order order) noexcept {
  store_u32(out, static_cast<std::uint32_t>(4 + text_size + payload_size), order);
  store_u32(out + 4, static_cast<std::uint32_t>(text_size), order);
}

// Writes the whole frame to `out`, which must have frame_size(text, payload) bytes.
inline char* write_frame(char* out, std::string_view text, std::span<const char> payload,
                         byte_order order) noexcept {
  write_frame_header(out, text.size(), payload.size(), order);
  out += frame_header_size;
  std::memcpy(out, text.data(), text.size());
  out += text.size();
  if (!payload.empty()) std::memcpy(out, payload.data(), payload.size());
  return out + payload.size();
}

inline void append_frame(std::string& out, std::string_view text, std::span<const char> payload,
                         byte_order order) {
  const auto start = out.size();
  out.resize(start + frame_size(text.size(), payload.size()));
  write_frame(out.data() + start, text, payload, order);
}

}  // namespace asyncsvr::codec
