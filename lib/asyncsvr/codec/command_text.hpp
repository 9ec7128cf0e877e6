#pragma once
// PROTOCOL.md §4: the text block of a frame. Parsing produces views into the frame (no copies),
// stored in a `command_text` whose vector is reused from frame to frame so that steady-state
// parsing allocates nothing. Building writes the canonical §4.4 layout into a reusable string.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::codec {

inline constexpr std::size_t max_echoed_command = 64;  // §4.4: unknown commands are echoed cut

// ASCII case-insensitive equality; on the hot path (every command and key lookup), so inline.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  // Peers mostly use the spelling of the contract: one memcmp instead of a branchy byte loop.
  if (a == b) return true;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto x = static_cast<unsigned char>(a[i]);
    const auto y = static_cast<unsigned char>(b[i]);
    // Equal, or differing only in the 0x20 bit and that bit maps a letter to its other case.
    if (x != y && ((x ^ y) != 0x20 || static_cast<unsigned>((x | 0x20) - 'a') > 'z' - 'a')) {
      return false;
    }
  }
  return true;
}

struct text_pair {
  std::string_view key;
  std::string_view value;
};

class command_text {
 public:
  struct lookup {
    std::string_view value;  // first occurrence
    std::size_t count = 0;   // 0 = absent
  };

  // The Command value, trimmed of spaces and TABs; empty when unknown.
  std::string_view command() const noexcept { return command_; }
  // Every Key=Value pair other than Command, in order.
  std::span<const text_pair> pairs() const noexcept { return pairs_; }
  // Keys compare ASCII case-insensitively.
  lookup find(std::string_view key) const noexcept;

  void clear() noexcept {
    command_ = {};
    pairs_.clear();
  }

 private:
  friend bool parse_request(std::string_view, command_text&, std::string_view&);
  friend bool parse_response(std::string_view, command_text&);
  std::string_view command_;
  std::vector<text_pair> pairs_;
};

// Strict server-side parse of a request (§4.2). On failure returns false, sets `reason` to a
// short English explanation, and leaves in `out.command()` the request's command name when it
// could be determined (for the error reply's Command line, §3.3).
bool parse_request(std::string_view text, command_text& out, std::string_view& reason);

// Lenient client-side parse of a server frame (§4.5): accepts trailing CR LF and blank lines.
// `Code` and every other key end up in pairs(). Returns false when the header is not [Response].
bool parse_response(std::string_view text, command_text& out);

// Writes "Key=Value" lines after a header; values are made safe for the wire (§4.4: no CR, LF or
// NUL; the only controls kept are TAB and U+0001).
class text_builder {
 public:
  text_builder(std::string& out, std::string_view header);
  // Continues a block already begun in `out`.
  explicit text_builder(std::string& out) noexcept : out_(out) {}
  text_builder& add(std::string_view key, std::string_view value);
  text_builder& add(std::string_view key, std::int64_t value);
  text_builder& add(std::string_view key, std::uint64_t value);
  text_builder& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
  text_builder& add(std::string_view key, unsigned value) { return add(key, std::uint64_t{value}); }
  std::string_view text() const noexcept { return out_; }

 private:
  // For values that need no sanitizing (digits, or already checked).
  text_builder& add_safe(std::string_view key, std::string_view value);
  std::string& out_;
};

// [Response], Command, Code and (when code != success) Message, in the §4.4 order.
text_builder begin_response(std::string& out, std::string_view command, result_code code,
                            std::string_view message = {});
// [Request] and Command.
text_builder begin_request(std::string& out, std::string_view command);

}  // namespace asyncsvr::codec
