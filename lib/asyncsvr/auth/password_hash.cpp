#include "asyncsvr/auth/password_hash.hpp"

#include <algorithm>
#include <climits>
#include <stdexcept>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace asyncsvr::auth {
namespace {

[[noreturn]] void throw_openssl_error(const char* what) {
  std::array<char, 256> reason{};
  ERR_error_string_n(ERR_get_error(), reason.data(), reason.size());
  throw std::runtime_error(std::string(what) + " failed: " + reason.data());
}

int checked_int(std::size_t value, const char* what) {
  if (value > INT_MAX) throw std::invalid_argument(std::string(what) + " is too large");
  return static_cast<int>(value);
}

bool is_hex_digit(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string hex_digest(std::string_view bytes, const EVP_MD* type, const char* name) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, type, nullptr) != 1) {
    throw_openssl_error(name);
  }
  constexpr std::string_view hex_digits = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    hex += hex_digits[digest[i] >> 4];
    hex += hex_digits[digest[i] & 0x0f];
  }
  return hex;
}

}  // namespace

std::string md5_hex(std::string_view password) {
  return hex_digest(password, EVP_md5(), "MD5");
}

std::string sha256_hex(std::string_view bytes) {
  return hex_digest(bytes, EVP_sha256(), "SHA-256");
}

bool is_hex32(std::string_view text) noexcept {
  return text.size() == 32 && std::all_of(text.begin(), text.end(), is_hex_digit);
}

derived_key pbkdf2_sha256(std::string_view wire_digest_lowercase,
                          std::span<const std::uint8_t> salt, unsigned iterations) {
  derived_key key{};
  if (PKCS5_PBKDF2_HMAC(
          wire_digest_lowercase.data(), checked_int(wire_digest_lowercase.size(), "password"),
          salt.data(), checked_int(salt.size(), "salt"), checked_int(iterations, "iteration count"),
          EVP_sha256(), static_cast<int>(key.size()), key.data()) != 1) {
    throw_openssl_error("PBKDF2");
  }
  return key;
}

derived_key hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  derived_key mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), checked_int(key.size(), "HMAC key"), data.data(), data.size(),
           mac.data(), &length) == nullptr) {
    throw_openssl_error("HMAC-SHA256");
  }
  return mac;
}

bool constant_time_equal(std::span<const std::uint8_t> a,
                         std::span<const std::uint8_t> b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::vector<std::uint8_t> random_bytes(std::size_t count) {
  std::vector<std::uint8_t> bytes(count);
  if (RAND_bytes(bytes.data(), checked_int(count, "random byte count")) != 1) {
    throw_openssl_error("RAND_bytes");
  }
  return bytes;
}

}  // namespace asyncsvr::auth
