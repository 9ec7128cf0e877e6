#pragma once
// Word-at-a-time scanning for the text block parser and builder: eight bytes per step instead of
// one, using the classic "has a byte less than / greater than / equal to" bit tricks. Only the
// lowest flagged byte of a word is exact (borrows and carries travel towards higher bytes), which
// is all a scanner looking for the next interesting byte needs.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace asyncsvr::codec::detail {

inline constexpr std::uint64_t ones = 0x0101010101010101ULL;
inline constexpr std::uint64_t highs = 0x8080808080808080ULL;

// High bit set in each byte below n (n ≤ 128) — exact for the lowest such byte.
constexpr std::uint64_t bytes_below(std::uint64_t w, std::uint8_t n) noexcept {
  return (w - ones * n) & ~w & highs;
}
// High bit set in each byte above n (n ≤ 127) — exact for the lowest such byte.
constexpr std::uint64_t bytes_above(std::uint64_t w, std::uint8_t n) noexcept {
  return ((w + ones * (127 - n)) | w) & highs;
}
constexpr std::uint64_t bytes_equal(std::uint64_t w, std::uint8_t c) noexcept {
  return bytes_below(w ^ (ones * c), 1);
}
// High bit set in each byte that is not printable ASCII or equals `stop` — exact for the lowest.
constexpr std::uint64_t special_bytes(std::uint64_t w, char stop) noexcept {
  return bytes_below(w, 0x20) | bytes_above(w, 0x7E) |
         bytes_equal(w, static_cast<std::uint8_t>(stop));
}

// Index of the first byte at or after `pos` that is not printable ASCII (0x20–0x7E) or equals
// `stop`, or `size` when there is none.
inline std::size_t find_special(const char* data, std::size_t pos, std::size_t size,
                                char stop) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    while (pos + 8 <= size) {
      std::uint64_t w;
      std::memcpy(&w, data + pos, 8);
      const std::uint64_t special = special_bytes(w, stop);
      if (special != 0) return pos + static_cast<std::size_t>(std::countr_zero(special)) / 8;
      pos += 8;
    }
    if (pos < size && size >= 8) {
      // The last few bytes as one word too: the text's last eight, shifted so that the byte at
      // `pos` comes first. Zero bytes move in behind the text's end and count as special, so the
      // answer is `size` when nothing before them is.
      std::uint64_t w;
      std::memcpy(&w, data + size - 8, 8);
      w >>= 8 * (8 - (size - pos));
      return pos + static_cast<std::size_t>(std::countr_zero(special_bytes(w, stop))) / 8;
    }
  }
  for (; pos < size; ++pos) {
    const auto c = static_cast<unsigned char>(data[pos]);
    if (c < 0x20 || c > 0x7E || c == static_cast<unsigned char>(stop)) return pos;
  }
  return size;
}

}  // namespace asyncsvr::codec::detail
