#pragma once

#include <cstddef>
#include <string_view>

namespace asyncsvr::codec {

// Length of the well-formed UTF-8 sequence starting at text[pos] (1–4), or 0 when it is
// malformed: overlong forms, surrogates, code points above U+10FFFF and truncated sequences.
std::size_t utf8_sequence_length(std::string_view text, std::size_t pos) noexcept;

bool is_valid_utf8(std::string_view text) noexcept;

// The longest prefix of `text` that is at most `max_bytes` long and does not cut a character.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

}  // namespace asyncsvr::codec
