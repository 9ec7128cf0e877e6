#pragma once
// Checks a Login's UserName and Password against a user_store (PROTOCOL.md §6.2), with a cache
// that lets a returning client skip the deliberately slow PBKDF2 derivation.
//
// Thread-safety: verify() and the counters may be called from any number of threads at once. The
// derivation itself runs outside any lock, so concurrent logins proceed in parallel.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/auth/user_store.hpp"

namespace asyncsvr::auth {

enum class verify_status {
  success,
  wrong_credentials,   // unknown user or wrong password: deliberately indistinguishable
  malformed_password,  // not 32 hex digits; the caller still answers UserOrPasswordError
};

struct verify_result {
  verify_status status;
  std::shared_ptr<const user_account> account;  // set only on success
};

class credential_verifier {
 public:
  // Enough for every device of a large deployment to log in again after a restart without a
  // second derivation; an entry costs about a hundred bytes.
  static constexpr std::size_t default_cache_capacity = 65536;

  explicit credential_verifier(std::size_t cache_capacity = default_cache_capacity);

  verify_result verify(const user_store& store, std::string_view user_name,
                       std::string_view wire_password);

  // PBKDF2 derivations performed so far, dummy ones included: a cache hit does not count.
  std::uint64_t derivations() const noexcept {
    return derivations_.load(std::memory_order_relaxed);
  }
  std::size_t cache_size() const;

 private:
  derived_key cache_tag(const user_account& account, std::string_view digest_lowercase) const;
  bool cache_matches(const std::string& name, const derived_key& tag) const;
  void remember(const std::string& name, const derived_key& tag);

  const std::vector<std::uint8_t> cache_key_;
  const std::size_t cache_capacity_;
  mutable std::mutex cache_mutex_;
  std::unordered_map<std::string, derived_key> cache_;  // user name -> tag of the last success
  std::atomic<std::uint64_t> derivations_{0};
};

}  // namespace asyncsvr::auth
