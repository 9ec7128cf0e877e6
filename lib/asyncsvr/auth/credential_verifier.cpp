#include "asyncsvr/auth/credential_verifier.hpp"

#include <algorithm>
#include <array>
#include <optional>

// Why caching verified credentials is safe
// ----------------------------------------
// PBKDF2's cost protects the users file: someone who steals it must pay ~100000 HMACs per guess.
// The cache must not give a cheaper way in, and it does not:
//
// - An entry is tag = HMAC-SHA256(K, salt || iterations || stored hash || lower-case digest) for a
//   digest that already derived to the stored hash, under a key K drawn at random when the
//   verifier is built and never leaving the process. It holds no password material an attacker
//   could use without K, and K exists only in this process's memory.
// - A login is answered from the cache only when its own tag equals the cached one, which (HMAC
//   being a PRF) means it presents exactly the digest that succeeded before. Anything else —
//   every wrong password — still pays the full derivation, so failures take the same time whether
//   or not the user exists or has a cache entry. Only a correct password is fast, and whoever
//   sends one learns nothing from the timing that the reply does not already say.
// - Tags are compared in constant time, so a near miss reveals nothing either.
// - Because the tag covers the salt, the iteration count and the stored hash, an entry stops
//   matching as soon as a reloaded store changes the account; no explicit invalidation is needed.
//
// An attacker who can read the process's memory gets K and the tags and could test guesses at
// HMAC speed. Such an attacker can already read the digests of logins as they arrive in receive
// buffers (and the digest is itself a password equivalent, §6.5), so the cache adds nothing to
// what that position yields.

namespace asyncsvr::auth {
namespace {

constexpr std::size_t cache_key_bytes = 32;

// Any fixed bytes will do: no account uses them, they only make an unknown name cost as much as
// a real one.
constexpr std::array<std::uint8_t, min_salt_bytes> dummy_salt{
    0x61, 0x73, 0x79, 0x6e, 0x63, 0x73, 0x76, 0x72, 0x2d, 0x64, 0x75, 0x6d, 0x6d, 0x79, 0x21, 0x00};

std::array<char, 32> to_lower_hex(std::string_view hex32) noexcept {
  std::array<char, 32> lower{};
  std::transform(hex32.begin(), hex32.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'F' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return lower;
}

user_account make_dummy_account(const user_store& store) {
  return {.name = {},
          .role = role::user,
          .iterations = store.dummy_iterations(),
          .salt = {dummy_salt.begin(), dummy_salt.end()},
          .hash = {}};
}

}  // namespace

credential_verifier::credential_verifier(std::size_t cache_capacity)
    : cache_key_(random_bytes(cache_key_bytes)), cache_capacity_(cache_capacity) {}

verify_result credential_verifier::verify(const user_store& store, std::string_view user_name,
                                          std::string_view wire_password) {
  // Decided before the name is looked at, so this answer's timing says nothing about the name.
  if (!is_hex32(wire_password)) return {verify_status::malformed_password, nullptr};
  const auto lower = to_lower_hex(wire_password);
  const std::string_view digest(lower.data(), lower.size());

  // An unknown name goes through the same steps against a dummy account so that it costs one
  // derivation, exactly like a wrong password.
  const auto account = store.find(user_name);
  std::optional<user_account> dummy;
  const user_account& candidate = account ? *account : dummy.emplace(make_dummy_account(store));
  const auto tag = cache_tag(candidate, digest);
  if (account && cache_matches(account->name, tag)) return {verify_status::success, account};

  const auto derived = pbkdf2_sha256(digest, candidate.salt, candidate.iterations);
  derivations_.fetch_add(1, std::memory_order_relaxed);
  if (!account || !constant_time_equal(derived, account->hash)) {
    return {verify_status::wrong_credentials, nullptr};
  }
  remember(account->name, tag);
  return {verify_status::success, account};
}

std::size_t credential_verifier::cache_size() const {
  const std::lock_guard lock(cache_mutex_);
  return cache_.size();
}

derived_key credential_verifier::cache_tag(const user_account& account,
                                           std::string_view digest_lowercase) const {
  // The salt is the only variable-length part and comes first, so the layout is unambiguous.
  std::vector<std::uint8_t> message(account.salt);
  for (int shift = 24; shift >= 0; shift -= 8) {
    message.push_back(static_cast<std::uint8_t>(account.iterations >> shift));
  }
  message.insert(message.end(), account.hash.begin(), account.hash.end());
  message.insert(message.end(), digest_lowercase.begin(), digest_lowercase.end());
  return hmac_sha256(cache_key_, message);
}

bool credential_verifier::cache_matches(const std::string& name, const derived_key& tag) const {
  const std::lock_guard lock(cache_mutex_);
  const auto it = cache_.find(name);
  return it != cache_.end() && constant_time_equal(it->second, tag);
}

void credential_verifier::remember(const std::string& name, const derived_key& tag) {
  if (cache_capacity_ == 0) return;
  const std::lock_guard lock(cache_mutex_);
  // Which entry goes does not matter for correctness; an evicted client merely pays one
  // derivation on its next login.
  if (cache_.size() >= cache_capacity_ && !cache_.contains(name)) cache_.erase(cache_.begin());
  cache_.insert_or_assign(name, tag);
}

}  // namespace asyncsvr::auth
