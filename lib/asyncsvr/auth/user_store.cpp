#include "asyncsvr/auth/user_store.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "asyncsvr/auth/base64.hpp"

namespace asyncsvr::auth {
namespace {

constexpr std::string_view scheme = "pbkdf2-sha256";
constexpr std::size_t field_count = 6;

// Thrown by the line parser and turned into a users_file_error once the line number is attached.
struct line_error {
  std::string problem;
};

std::string in_quotes(std::string_view text) {
  return "'" + std::string(text) + "'";
}

std::string iterations_rule() {
  return "iterations must be a decimal number from " + std::to_string(min_iterations) + " to " +
         std::to_string(max_iterations);
}

bool is_name_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '@' || c == '-';
}

bool is_blank_or_comment(std::string_view line) noexcept {
  const auto first = line.find_first_not_of(" \t");
  return first == std::string_view::npos || line[first] == '#';
}

std::vector<std::string_view> split_fields(std::string_view line) {
  std::vector<std::string_view> fields;
  for (std::size_t start = 0;;) {
    const auto colon = line.find(':', start);
    fields.push_back(line.substr(start, colon - start));
    if (colon == std::string_view::npos) return fields;
    start = colon + 1;
  }
}

std::vector<std::uint8_t> decode_field(std::string_view text, std::string_view field) {
  auto bytes = base64_decode(text);
  if (!bytes) throw line_error{std::string(field) + " is not valid base64: " + in_quotes(text)};
  return std::move(*bytes);
}

user_account parse_account(std::string_view line) {
  const auto fields = split_fields(line);
  if (fields.size() != field_count) {
    throw line_error{"expected 6 fields name:role:pbkdf2-sha256:iterations:salt:hash, found " +
                     std::to_string(fields.size())};
  }
  user_account account{};
  account.name = fields[0];
  if (const auto problem = user_name_problem(account.name); !problem.empty()) {
    throw line_error{std::string(problem) + ": " + in_quotes(account.name)};
  }
  const auto parsed_role = parse_role(fields[1]);
  if (!parsed_role) throw line_error{"unknown role " + in_quotes(fields[1]) + " (admin or user)"};
  account.role = *parsed_role;
  if (fields[2] != scheme) {
    throw line_error{"unsupported hash scheme " + in_quotes(fields[2]) + " (only pbkdf2-sha256)"};
  }
  const auto iterations = parse_iterations(fields[3]);
  if (!iterations) {
    throw line_error{iterations_rule() + ", found " + in_quotes(fields[3])};
  }
  account.iterations = *iterations;
  account.salt = decode_field(fields[4], "salt");
  if (account.salt.size() < min_salt_bytes) {
    throw line_error{"salt must be at least " + std::to_string(min_salt_bytes) + " bytes, found " +
                     std::to_string(account.salt.size())};
  }
  const auto hash = decode_field(fields[5], "hash");
  if (hash.size() != account.hash.size()) {
    throw line_error{"hash must be exactly " + std::to_string(account.hash.size()) +
                     " bytes, found " + std::to_string(hash.size())};
  }
  std::copy(hash.begin(), hash.end(), account.hash.begin());
  return account;
}

// The most common count wins, the larger one on a tie, so that a lone account with a weaker
// setting does not make unknown names measurably faster than most real ones.
unsigned most_common_iterations(const std::map<unsigned, std::size_t>& counts) {
  unsigned best = default_iterations;
  std::size_t best_count = 0;
  for (const auto& [iterations, count] : counts) {
    if (count >= best_count) {
      best = iterations;
      best_count = count;
    }
  }
  return best;
}

}  // namespace

std::string_view role_name(role r) noexcept {
  return r == role::admin ? "admin" : "user";
}

std::optional<role> parse_role(std::string_view text) noexcept {
  if (text == "admin") return role::admin;
  if (text == "user") return role::user;
  return std::nullopt;
}

std::string_view user_name_problem(std::string_view name) noexcept {
  if (name.empty()) return "user name is empty";
  if (name.size() > max_user_name_length) return "user name is longer than 64 characters";
  if (!std::all_of(name.begin(), name.end(), is_name_char)) {
    return "user name has a character outside [A-Za-z0-9._@-]";
  }
  return {};
}

std::optional<unsigned> parse_iterations(std::string_view text) noexcept {
  unsigned value = 0;
  const auto* const end = text.data() + text.size();
  const auto [stop, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || text.front() < '0' || text.front() > '9' || ec != std::errc{} ||
      stop != end || value < min_iterations || value > max_iterations) {
    return std::nullopt;
  }
  return value;
}

users_file_error::users_file_error(const std::string& source, std::size_t line,
                                   const std::string& problem)
    : std::runtime_error(source + (line == 0 ? "" : ":" + std::to_string(line)) + ": " + problem),
      line_(line) {}

user_store user_store::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw users_file_error(file.string(), 0, std::string("cannot open: ") + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw users_file_error(file.string(), 0, "read error");
  return parse(text.view(), file.string());
}

user_store user_store::parse(std::string_view text, std::string_view source) {
  user_store store;
  std::unordered_map<std::string, std::size_t> defined_on_line;
  std::map<unsigned, std::size_t> iteration_counts;
  for (std::size_t line_number = 1; !text.empty(); ++line_number) {
    const auto newline = text.find('\n');
    auto line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    // Tolerate files saved by Windows editors.
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (is_blank_or_comment(line)) continue;
    try {
      auto account = parse_account(line);
      const auto [first, inserted] = defined_on_line.emplace(account.name, line_number);
      if (!inserted) {
        throw line_error{"duplicate user " + in_quotes(account.name) + " (first defined on line " +
                         std::to_string(first->second) + ")"};
      }
      ++iteration_counts[account.iterations];
      auto name = account.name;
      store.accounts_.emplace(std::move(name),
                              std::make_shared<const user_account>(std::move(account)));
    } catch (const line_error& e) {
      throw users_file_error(std::string(source), line_number, e.problem);
    }
  }
  store.dummy_iterations_ = most_common_iterations(iteration_counts);
  return store;
}

std::shared_ptr<const user_account> user_store::find(std::string_view name) const {
  const auto it = accounts_.find(name);
  return it == accounts_.end() ? nullptr : it->second;
}

void validate_new_account(std::string_view name, unsigned iterations) {
  if (const auto problem = user_name_problem(name); !problem.empty()) {
    throw std::invalid_argument(std::string(problem) + ": " + in_quotes(name));
  }
  if (iterations < min_iterations || iterations > max_iterations) {
    throw std::invalid_argument(iterations_rule() + ", found " + std::to_string(iterations));
  }
}

std::string format_user_line(std::string_view name, role r, std::string_view password_clear,
                             unsigned iterations) {
  validate_new_account(name, iterations);
  if (password_clear.empty()) throw std::invalid_argument("the password is empty");
  const auto salt = random_bytes(min_salt_bytes);
  const auto hash = pbkdf2_sha256(md5_hex(password_clear), salt, iterations);
  return std::string(name) + ':' + std::string(role_name(r)) + ':' + std::string(scheme) + ':' +
         std::to_string(iterations) + ':' + base64_encode(salt) + ':' + base64_encode(hash);
}

}  // namespace asyncsvr::auth
