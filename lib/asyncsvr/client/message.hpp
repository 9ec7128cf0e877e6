#pragma once
// A frame received from the server, parsed leniently as PROTOCOL.md §4.5 asks of clients. It
// owns its bytes, so it can be stored and moved freely.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::client {

struct message {
  std::string command;
  std::uint32_t code = 0;
  std::string text;                                       // the whole text block as received
  std::vector<std::pair<std::string, std::string>> keys;  // every Key=Value but Command
  std::string payload;

  bool ok() const noexcept { return code == 0; }
  codec::result_code result() const noexcept { return static_cast<codec::result_code>(code); }
  // First value of a key (ASCII case-insensitive), if present.
  std::optional<std::string_view> value(std::string_view key) const;
  // Every value of a repeatable key, in order.
  std::vector<std::string_view> values(std::string_view key) const;
  std::int64_t integer(std::string_view key) const;  // throws std::runtime_error if absent/bad
};

// Builds a message from a received frame's text and payload; throws std::runtime_error when
// the text is not a [Response] block.
message parse_message(std::string_view text, std::string_view payload);

}  // namespace asyncsvr::client
