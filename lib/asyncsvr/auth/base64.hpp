#pragma once
// Base64 with the standard alphabet and padding (RFC 4648 §4), as used by the users file.
//
// Thread-safety: pure functions, callable from any thread.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asyncsvr::auth {

std::string base64_encode(std::span<const std::uint8_t> bytes);

// Accepts only the canonical encoding: length a multiple of 4, padding only at the end, no
// whitespace, and zero bits where the last character has more bits than bytes need. A users file
// therefore has exactly one spelling for each salt and hash.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace asyncsvr::auth
