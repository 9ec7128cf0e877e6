#include "path_rules.hpp"

#include <algorithm>
#include <array>

namespace asyncsvr::files {
namespace {

using codec::result_code;

constexpr bool is_separator(char c) noexcept {
  return c == '/' || c == '\\';
}

char ascii_upper(char c) noexcept {
  return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c;
}

bool equals_upper(std::string_view text, std::string_view upper) noexcept {
  return text.size() == upper.size() &&
         std::equal(text.begin(), text.end(), upper.begin(),
                    [](char a, char b) { return ascii_upper(a) == b; });
}

// CON, PRN, AUX, NUL, COM1–COM9, LPT1–LPT9, alone or followed by '.' and anything: names Windows
// reserves for devices, refused everywhere so that a tree stays portable to a Windows server.
bool is_reserved_device_name(std::string_view component) noexcept {
  const std::string_view stem = component.substr(0, component.find('.'));
  static constexpr std::array<std::string_view, 4> plain{"CON", "PRN", "AUX", "NUL"};
  for (const auto name : plain) {
    if (equals_upper(stem, name)) return true;
  }
  if (stem.size() != 4 || stem[3] < '1' || stem[3] > '9') return false;
  const std::string_view prefix = stem.substr(0, 3);
  return equals_upper(prefix, "COM") || equals_upper(prefix, "LPT");
}

bool is_forbidden_char(unsigned char c) noexcept {
  if (c < 0x20 || c == 0x7f) return true;  // C0 controls, NUL and DEL
  switch (c) {
    case ':':  // drive letters and alternate data streams
    case '<':
    case '>':
    case '"':
    case '|':
    case '?':
    case '*':
      return true;
    default:
      return false;
  }
}

}  // namespace

bool is_addressable_name(std::string_view component) noexcept {
  if (component.empty() || component.size() > max_component_bytes) return false;
  if (component == "." || component == "..") return false;
  if (component.back() == '.' || component.back() == ' ') return false;
  if (std::any_of(component.begin(), component.end(), [](char c) {
        return is_separator(c) || is_forbidden_char(static_cast<unsigned char>(c));
      })) {
    return false;
  }
  return !is_reserved_device_name(component);
}

checked_path check_path(std::string_view value, path_kind kind) {
  checked_path result;
  if (value.empty()) {
    if (kind != path_kind::dir) result.error = result_code::parameter_error;
    return result;
  }
  // Rule 1, and §19.5: a value made only of separators is absolute too.
  if (is_separator(value.front()) || value.size() > max_path_bytes) {
    result.error = result_code::path_not_allowed;
    return result;
  }
  std::size_t components = 0;
  std::size_t pos = 0;
  while (pos < value.size()) {
    const auto end =
        std::find_if(value.begin() + static_cast<std::ptrdiff_t>(pos), value.end(), is_separator);
    const auto stop = static_cast<std::size_t>(end - value.begin());
    const std::string_view component = value.substr(pos, stop - pos);
    pos = stop + 1;
    if (component.empty()) continue;  // rule 2
    // Rule 5: a name is one component with no separator at all, not even a trailing one.
    const bool separator_in_name = kind == path_kind::name && component.size() != value.size();
    if (separator_in_name || ++components > max_path_components ||
        !is_addressable_name(component)) {
      result.error = result_code::path_not_allowed;
      result.canonical.clear();
      return result;
    }
    if (!result.canonical.empty()) result.canonical += '/';
    result.canonical += component;
  }
  return result;
}

std::string join_path(std::string_view canonical_dir, std::string_view name) {
  std::string joined;
  joined.reserve(canonical_dir.size() + 1 + name.size());
  joined += canonical_dir;
  if (!joined.empty()) joined += '/';
  joined += name;
  return joined;
}

std::string_view parent_of(std::string_view canonical) noexcept {
  const auto slash = canonical.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : canonical.substr(0, slash);
}

std::string_view leaf_of(std::string_view canonical) noexcept {
  const auto slash = canonical.rfind('/');
  return slash == std::string_view::npos ? canonical : canonical.substr(slash + 1);
}

}  // namespace asyncsvr::files
