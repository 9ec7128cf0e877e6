#include "asyncsvr/codec/command_text.hpp"

#include <array>
#include <charconv>
#include <cstring>

#include "asyncsvr/codec/ascii_scan.hpp"
#include "asyncsvr/codec/utf8.hpp"

namespace asyncsvr::codec {

namespace {

constexpr std::string_view command_key = "Command";
constexpr std::size_t max_key_length = 64;

bool is_alpha(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// Letters, digits and '_': what a key may hold after its first letter. One load per byte.
constexpr auto key_characters = [] {
  std::array<bool, 256> table{};
  for (int c = 'A'; c <= 'Z'; ++c)
    table[c] = table[c - 'A' + 'a'] = true;
  for (int c = '0'; c <= '9'; ++c)
    table[c] = true;
  table['_'] = true;
  return table;
}();

bool is_valid_key(std::string_view key) noexcept {
  if (key.empty() || key.size() > max_key_length || !is_alpha(key[0])) return false;
  for (char c : key.substr(1)) {
    if (!key_characters[static_cast<unsigned char>(c)]) return false;
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

bool sanitizing_needed(std::string_view value) noexcept {
  // Bytes ≥ 0x80 (UTF-8) are fine; only controls other than TAB and U+0001, and DEL, need work.
  for (std::size_t pos = 0;; ++pos) {
    pos = detail::find_special(value.data(), pos, value.size(), '\x7F');
    if (pos >= value.size()) return false;
    const auto u = static_cast<unsigned char>(value[pos]);
    if ((u < 0x20 && u != '\t' && u != 0x01) || u == 0x7F) return true;
  }
}

}  // namespace

command_text::lookup command_text::find(std::string_view key) const noexcept {
  lookup result;
  for (const auto& pair : pairs_) {
    if (iequals(pair.key, key)) {
      if (result.count++ == 0) result.value = pair.value;
    }
  }
  return result;
}

namespace {

struct line_scan {
  std::size_t end = 0;  // where the line's content ends (its CR, or the text's end)
  std::size_t equals = std::string_view::npos;  // first '=' in the line
  bool control_after_equals = false;            // a C0 control other than TAB, or DEL, in the value
  const char* error = nullptr;
};

// One pass over one line: §4.2 rules 1, 2 and 5. ASCII bytes cost a compare or two; only bytes
// of multi-byte characters go through the UTF-8 validator.
line_scan scan_line(std::string_view text, std::size_t pos) noexcept {
  line_scan scan;
  const std::size_t size = text.size();
  for (;;) {
    // Printable ASCII other than '=' needs no attention at all; skip it a word at a time.
    pos = detail::find_special(text.data(), pos, size,
                               scan.equals == std::string_view::npos ? '=' : '\x7F');
    if (pos >= size) break;
    const auto c = static_cast<unsigned char>(text[pos]);
    if (c >= 0x80) {
      const std::size_t length = utf8_sequence_length(text, pos);
      if (length == 0) {
        scan.error = "text is not valid UTF-8";
        return scan;
      }
      pos += length;
      continue;
    }
    if (c == '=') {
      scan.equals = pos++;
      continue;
    }
    if (c == '\r') {
      if (pos + 1 < size && text[pos + 1] == '\n') break;
      scan.error = "CR without LF";
      return scan;
    }
    if (c == '\n') {
      scan.error = "LF without CR";
      return scan;
    }
    if (c == 0) {
      scan.error = "text contains NUL";
      return scan;
    }
    if (c != '\t' && scan.equals != std::string_view::npos) scan.control_after_equals = true;
    ++pos;
  }
  scan.end = pos;
  return scan;
}

}  // namespace

bool parse_request(std::string_view text, command_text& out, std::string_view& reason) {
  out.clear();
  const char* error = nullptr;
  bool seen_header = false;
  std::size_t commands = 0;
  if (text.starts_with("\xEF\xBB\xBF")) error = "text starts with a byte-order mark";
  for (std::size_t pos = 0; !error;) {
    const auto scan = scan_line(text, pos);
    if (scan.error) {
      error = scan.error;
      break;
    }
    const auto line = text.substr(pos, scan.end - pos);
    if (line.empty()) {
      // Empty lines are ignored wherever they appear.
    } else if (!seen_header) {
      seen_header = true;
      if (!iequals(line, "[Request]")) error = "first line is not [Request]";
    } else if (scan.equals == std::string_view::npos) {
      error = "line without '='";
    } else {
      const auto key = line.substr(0, scan.equals - pos);
      const auto value = line.substr(scan.equals - pos + 1);
      if (!is_valid_key(key)) {
        error = "invalid key";
      } else if (scan.control_after_equals) {
        error = "control character in value";
      } else if (iequals(key, command_key)) {
        ++commands;
        out.command_ = trim_blanks(value);
      } else {
        out.pairs_.push_back({key, value});
      }
    }
    if (scan.end >= text.size()) break;
    pos = scan.end + 2;  // past CR LF
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
  if (!sanitizing_needed(value)) return add_safe(key, value);
  out_.append("\r\n").append(key).push_back('=');
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    out_.push_back(((u < 0x20 && u != '\t' && u != 0x01) || u == 0x7F) ? '?' : c);
  }
  return *this;
}

text_builder& text_builder::add_safe(std::string_view key, std::string_view value) {
  // One append per line when it fits a small stack buffer: replies are built on every request,
  // and each std::string append carries its own capacity check.
  char line[256];
  const std::size_t size = 2 + key.size() + 1 + value.size();
  if (size > sizeof line) {
    out_.append("\r\n").append(key).append("=").append(value);
    return *this;
  }
  line[0] = '\r';
  line[1] = '\n';
  std::memcpy(line + 2, key.data(), key.size());
  line[2 + key.size()] = '=';
  std::memcpy(line + 3 + key.size(), value.data(), value.size());
  out_.append(line, size);
  return *this;
}

text_builder& text_builder::add(std::string_view key, std::int64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  return add_safe(key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

text_builder& text_builder::add(std::string_view key, std::uint64_t value) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
  return add_safe(key, std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

text_builder begin_response(std::string& out, std::string_view command, result_code code,
                            std::string_view message) {
  // Built without the general add(): the Command value already passed the request parser (or is
  // one of ours) and Code is digits, so neither needs sanitizing, and this runs on every reply.
  char digits[16];
  const auto end = std::to_chars(digits, digits + sizeof digits, value(code)).ptr;
  out.assign("[Response]\r\nCommand=");
  out.append(command).append("\r\nCode=").append(digits, end);
  text_builder builder(out);
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
