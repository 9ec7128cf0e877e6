#include "asyncsvr/log/log_line.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>

#include "asyncsvr/codec/utf8.hpp"

namespace asyncsvr::log {

namespace {

void append_time(std::string& out, std::chrono::system_clock::time_point when) {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  const auto seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];  // roomy enough for any int the compiler imagines in the fields
  const int n = std::snprintf(text, sizeof text, "%04d-%02d-%02d %02d:%02d:%02d.%03d ",
                              utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                              utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  out.append(text, static_cast<std::size_t>(n));
}

void append_sanitised(std::string& out, std::string_view text) {
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (byte < 0x20 && c != '\t') {
      out += '?';
    } else {
      out += c;
    }
  }
}

}  // namespace

void format_line(std::string& out, log_severity level, std::uint64_t session_id,
                 std::chrono::system_clock::time_point when, std::string_view text) {
  static constexpr std::array<std::string_view, 6> labels{"TRACE", "DEBUG", "INFO",
                                                          "WARN",  "ERROR", "FATAL"};
  out.clear();
  append_time(out, when);
  out += labels[static_cast<std::size_t>(level)];
  out += ' ';
  if (session_id != 0) {
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, session_id).ptr;
    out += '[';
    out.append(digits, end);
    out += "] ";
  }
  // Every input byte yields at least one output byte: what lies beyond the cut is never needed.
  append_sanitised(out, text.substr(0, std::min(text.size(), max_line_bytes)));
  // A record is logged text, not validated input: invalid UTF-8 stays as it is, but the cut
  // never makes it worse by splitting a character.
  if (out.size() > max_line_bytes) out.resize(codec::utf8_prefix(out, max_line_bytes).size());
}

}  // namespace asyncsvr::log
