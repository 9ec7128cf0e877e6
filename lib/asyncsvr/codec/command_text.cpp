#include "asyncsvr/codec/command_text.hpp"

#include <charconv>

#include "asyncsvr/codec/utf8.hpp"

namespace asyncsvr::codec {

namespace {

constexpr std::string_view command_key = "Command";
constexpr std::size_t max_key_length = 64;

char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}
bool is_alpha(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_digit(char c) noexcept {
  return c >= '0' && c <= '9';
}

bool is_valid_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > max_key_length || !is_alpha(key[0])) return false;
  for (char c : key.substr(1)) {
    if (!is_alpha(c) && !is_digit(c) && c != '_') return false;
  }
  return true;
}

// §4.2 rule 5: TAB is the only C0 control a value may hold, and U+007F is refused too.
bool is_valid_value(std::string_view value) noexcept {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t') || u == 0x7F) return false;
  }
  return true;
}

std::string_view trim_blanks(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

// Rules 1 and 2 over the whole block: well-formed UTF-8 without a BOM, no NUL, and every CR or
// LF part of a CR LF pair. Runs before line splitting so later steps can trust the bytes.
const char* check_encoding(std::string_view text) noexcept {
  if (text.starts_with("\xEF\xBB\xBF")) return "text starts with a byte-order mark";
  for (std::size_t pos = 0; pos < text.size();) {
    const char c = text[pos];
    if (c == '\0') return "text contains NUL";
    if (c == '\r') {
      if (pos + 1 >= text.size() || text[pos + 1] != '\n') return "CR without LF";
      pos += 2;
      continue;
    }
    if (c == '\n') return "LF without CR";
    const std::size_t length = utf8_sequence_length(text, pos);
    if (length == 0) return "text is not valid UTF-8";
    pos += length;
  }
  return nullptr;
}

// Calls on_line for every line split at CR LF (the block was already checked to have no stray
// CR or LF); stops early when on_line returns false.
template <class OnLine>
void for_each_line(std::string_view text, std::string_view separator, OnLine&& on_line) {
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = text.find(separator, start);
    const std::string_view line =
        text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!on_line(line)) return;
    if (end == std::string_view::npos) return;
    start = end + separator.size();
  }
}

// Best effort for error replies: the trimmed value of the first well-formed Command line.
std::string_view find_command_leniently(std::string_view text) noexcept {
  std::string_view found;
  for_each_line(text, "\r\n", [&](std::string_view line) {
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || !iequals(line.substr(0, eq), command_key)) return true;
    const auto value = trim_blanks(line.substr(eq + 1));
    if (is_valid_value(value) && is_valid_utf8(value))
      found = utf8_prefix(value, max_echoed_command);
    return false;
  });
  return found;
}

bool sanitized_needed(std::string_view value) noexcept {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && u != '\t' && u != 0x01) || u == 0x7F) return true;
  }
  return false;
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

command_text::lookup command_text::find(std::string_view key) const noexcept {
  lookup result;
  for (const auto& pair : pairs_) {
    if (iequals(pair.key, key)) {
      if (result.count++ == 0) result.value = pair.value;
    }
  }
  return result;
}

bool parse_request(std::string_view text, command_text& out, std::string_view& reason) {
  out.clear();
  const char* error = check_encoding(text);
  bool seen_header = false;
  std::size_t commands = 0;
  if (!error) {
    for_each_line(text, "\r\n", [&](std::string_view line) {
      if (line.empty()) return true;
      if (!seen_header) {
        seen_header = true;
        if (!iequals(line, "[Request]")) error = "first line is not [Request]";
        return error == nullptr;
      }
      const auto eq = line.find('=');
      if (eq == std::string_view::npos) {
        error = "line without '='";
      } else if (!is_valid_key(line.substr(0, eq))) {
        error = "invalid key";
      } else if (!is_valid_value(line.substr(eq + 1))) {
        error = "control character in value";
      } else if (iequals(line.substr(0, eq), command_key)) {
        ++commands;
        out.command_ = trim_blanks(line.substr(eq + 1));
      } else {
        out.pairs_.push_back({line.substr(0, eq), line.substr(eq + 1)});
      }
      return error == nullptr;
    });
  }
  if (!error) {
    if (!seen_header) {
      error = "first line is not [Request]";
    } else if (commands != 1) {
      error = commands == 0 ? "no Command line" : "more than one Command line";
    } else if (out.command_.empty()) {
      error = "empty Command";
    }
  }
  if (!error) return true;
  reason = error;
  out.clear();
  out.command_ = find_command_leniently(text);
  return false;
}

bool parse_response(std::string_view text, command_text& out) {
  out.clear();
  bool seen_header = false;
  bool header_ok = false;
  for_each_line(text, "\n", [&](std::string_view line) {
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty()) return true;
    if (!seen_header) {
      seen_header = true;
      header_ok = iequals(line, "[Response]");
      return header_ok;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return true;
    if (iequals(line.substr(0, eq), command_key)) {
      out.command_ = trim_blanks(line.substr(eq + 1));
    } else {
      out.pairs_.push_back({line.substr(0, eq), line.substr(eq + 1)});
    }
    return true;
  });
  return header_ok;
}

text_builder::text_builder(std::string& out, std::string_view header) : out_(out) {
  out_.assign(header);
}

text_builder& text_builder::add(std::string_view key, std::string_view value) {
  out_.append("\r\n").append(key).push_back('=');
  if (!sanitized_needed(value)) {
    out_.append(value);
    return *this;
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    out_.push_back(((u < 0x20 && u != '\t' && u != 0x01) || u == 0x7F) ? '?' : c);
  }
  return *this;
}

text_builder& text_builder::add(std::string_view key, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  return add(key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

text_builder& text_builder::add(std::string_view key, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  return add(key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

text_builder begin_response(std::string& out, std::string_view command, result_code code,
                            std::string_view message) {
  text_builder builder(out, "[Response]");
  builder.add(command_key, command).add("Code", std::uint64_t{value(code)});
  if (code != result_code::success) {
    builder.add("Message", message.empty() ? default_message(code) : message);
  }
  return builder;
}

text_builder begin_request(std::string& out, std::string_view command) {
  text_builder builder(out, "[Request]");
  builder.add(command_key, command);
  return builder;
}

}  // namespace asyncsvr::codec
