#pragma once
// The cryptographic primitives behind PROTOCOL.md §6.2: the MD5 "wire form" of a password, the
// PBKDF2 derivation stored in the users file, and the helpers a verifier needs around them.
//
// Thread-safety: every function may be called from any thread. Failures inside OpenSSL (which
// only happen when the library is misconfigured or out of memory) throw std::runtime_error.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace asyncsvr::auth {

inline constexpr std::size_t derived_key_bytes = 32;
using derived_key = std::array<std::uint8_t, derived_key_bytes>;

// Lower-case 32-digit hex MD5 of the password's bytes: what clients send as `Password`.
std::string md5_hex(std::string_view password);
// Lower-case 64-digit hex SHA-256 (names partial uploads, checks file contents in tests).
std::string sha256_hex(std::string_view bytes);

// True for exactly 32 hex digits of either case.
bool is_hex32(std::string_view text) noexcept;

// PBKDF2-HMAC-SHA256 over the 32 ASCII bytes of the lower-case wire digest. The caller lower-cases
// first so that both spellings a client may send derive the same key. `iterations` must fit an
// int (OpenSSL's parameter type); larger values throw std::invalid_argument.
derived_key pbkdf2_sha256(std::string_view wire_digest_lowercase,
                          std::span<const std::uint8_t> salt, unsigned iterations);

derived_key hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// Runs in time that depends only on the sizes, which are not secret here. Different sizes compare
// unequal.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// Bytes from OpenSSL's CSPRNG, for salts and keys.
std::vector<std::uint8_t> random_bytes(std::size_t count);

}  // namespace asyncsvr::auth
