#pragma once
// The accounts of the users file (PROTOCOL.md §6.2), one per line:
//
//   <name>:<role>:pbkdf2-sha256:<iterations>:<salt-base64>:<hash-base64>
//
// Thread-safety: a user_store is immutable once built, so one instance may be read from any number
// of threads. A reload builds a new store and swaps it in whole (e.g. an atomic
// std::shared_ptr<const user_store>); accounts are held by shared_ptr so a session that logged in
// keeps its account alive across the swap.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "asyncsvr/auth/password_hash.hpp"

namespace asyncsvr::auth {

enum class role { user, admin };

std::string_view role_name(role r) noexcept;
std::optional<role> parse_role(std::string_view text) noexcept;

inline constexpr std::size_t max_user_name_length = 64;
inline constexpr unsigned min_iterations = 10000;
// OpenSSL takes the count as an int.
inline constexpr unsigned max_iterations = std::numeric_limits<int>::max();
inline constexpr unsigned default_iterations = 100000;
inline constexpr std::size_t min_salt_bytes = 16;

// Why `name` is not a valid account name (1–64 characters from [A-Za-z0-9._@-]), or an empty view
// when it is.
std::string_view user_name_problem(std::string_view name) noexcept;
inline bool is_valid_user_name(std::string_view name) noexcept {
  return user_name_problem(name).empty();
}

// A decimal iteration count within [min_iterations, max_iterations]; nothing else (no sign, no
// spaces) is accepted.
std::optional<unsigned> parse_iterations(std::string_view text) noexcept;

struct user_account {
  std::string name;
  auth::role role;
  unsigned iterations;
  std::vector<std::uint8_t> salt;
  derived_key hash;
};

// A users file that cannot be read or has a malformed line. The message reads
// "<file>:<line>: <problem>", or "<file>: <problem>" when no single line is at fault.
class users_file_error : public std::runtime_error {
 public:
  users_file_error(const std::string& source, std::size_t line, const std::string& problem);
  // 0 when the problem is not about one line.
  std::size_t line() const noexcept { return line_; }

 private:
  std::size_t line_;
};

class user_store {
 public:
  user_store() = default;

  // Throw users_file_error; a store is either wholly valid or not built at all.
  static user_store load(const std::filesystem::path& file);
  // `source` names the text in error messages.
  static user_store parse(std::string_view text, std::string_view source);

  // Byte-exact lookup; null when no such account exists.
  std::shared_ptr<const user_account> find(std::string_view name) const;
  std::size_t size() const noexcept { return accounts_.size(); }

  // The iteration count most accounts use (default_iterations for an empty store): a login for a
  // name that does not exist derives with it, so its timing matches a real account's.
  unsigned dummy_iterations() const noexcept { return dummy_iterations_; }

 private:
  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view name) const noexcept {
      return std::hash<std::string_view>{}(name);
    }
  };

  std::unordered_map<std::string, std::shared_ptr<const user_account>, name_hash, std::equal_to<>>
      accounts_;
  unsigned dummy_iterations_ = default_iterations;
};

// Throws std::invalid_argument when `name` or `iterations` cannot go into a users-file line.
void validate_new_account(std::string_view name, unsigned iterations);

// One users-file line (without line ending) for a new account, with a fresh random salt of
// min_salt_bytes. Throws std::invalid_argument for an invalid name, an empty password or an
// iteration count outside [min_iterations, max_iterations].
std::string format_user_line(std::string_view name, role r, std::string_view password_clear,
                             unsigned iterations = default_iterations);

}  // namespace asyncsvr::auth
