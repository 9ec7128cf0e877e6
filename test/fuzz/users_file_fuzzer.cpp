// libFuzzer target: arbitrary text as a users file (PROTOCOL.md §6.2) through user_store::parse,
// which user_store::load uses for the file's contents. Run: scripts/fuzz.sh users_file 600
//
// The properties checked beyond "no crash, no sanitizer report": the parser either builds a store
// or throws users_file_error naming a line of the text, nothing else; in a store built, every
// account line became exactly one account, found under its name, that satisfies §6.2 (name of
// 1-64 characters from [A-Za-z0-9._@-], role admin or user, pbkdf2-sha256, iterations >= 10000,
// salt >= 16 bytes, a 32-byte hash) and that spells back to the fields of its line, so no text is
// accepted in a form the line does not say.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsvr/auth/base64.hpp"
#include "asyncsvr/auth/user_store.hpp"

namespace {

namespace auth = asyncsvr::auth;

void check(bool condition) {
  if (!condition) std::abort();
}

// The text's lines as §6.2 reads them: LF ends a line, a CR before it belongs to the line ending.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
  }
  return lines;
}

bool is_account_line(std::string_view line) {
  const auto first = line.find_first_not_of(" \t");
  return first != std::string_view::npos && line[first] != '#';
}

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '-';
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto colon = line.find(':', start);
    fields.push_back(line.substr(start, colon - start));
    if (colon == std::string_view::npos) return fields;
    start = colon + 1;
  }
}

// The decimal value of a field of digits only (leading zeros allowed); -1 otherwise or if huge.
long long decimal(std::string_view digits) {
  if (digits.empty() || digits.size() > 18) return -1;
  long long value = 0;
  for (const char c : digits) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

void check_account(const auth::user_store& store, std::string_view line) {
  const auto fields = fields_of(line);
  check(fields.size() == 6);
  const auto account = store.find(fields[0]);
  check(account != nullptr && account->name == fields[0]);
  const std::string_view name = account->name;
  check(!name.empty() && name.size() <= auth::max_user_name_length);
  check(std::all_of(name.begin(), name.end(), is_name_char));
  check(account->role == auth::role::admin || account->role == auth::role::user);
  check(fields[1] == auth::role_name(account->role));
  check(fields[2] == "pbkdf2-sha256");
  check(account->iterations >= auth::min_iterations);
  check(decimal(fields[3]) == account->iterations);
  check(account->salt.size() >= auth::min_salt_bytes);
  check(auth::base64_encode(account->salt) == fields[4]);
  check(account->hash.size() == 32 && auth::base64_encode(account->hash) == fields[5]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto lines = lines_of(text);
  try {
    const auto store = auth::user_store::parse(text, "fuzz");
    std::size_t accounts = 0;
    for (const auto line : lines) {
      if (!is_account_line(line)) continue;
      check_account(store, line);
      ++accounts;
    }
    check(store.size() == accounts);
    check(store.dummy_iterations() >= auth::min_iterations);
  } catch (const auth::users_file_error& e) {
    check(e.line() >= 1 && e.line() <= lines.size());
  }
  return 0;
}
