#include "asyncsvr/client/message.hpp"

#include <stdexcept>

#include "asyncsvr/codec/command_text.hpp"
#include "asyncsvr/codec/values.hpp"

namespace asyncsvr::client {

std::optional<std::string_view> message::value(std::string_view key) const {
  for (const auto& [k, v] : keys) {
    if (codec::iequals(k, key)) return v;
  }
  return std::nullopt;
}

std::vector<std::string_view> message::values(std::string_view key) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : keys) {
    if (codec::iequals(k, key)) out.emplace_back(v);
  }
  return out;
}

std::int64_t message::integer(std::string_view key) const {
  const auto v = value(key);
  const auto number = v ? codec::parse_integer(*v, INT64_MIN, INT64_MAX) : std::nullopt;
  if (!number) throw std::runtime_error(command + " reply has no integer " + std::string(key));
  return *number;
}

message parse_message(std::string_view text, std::string_view payload) {
  codec::command_text parsed;
  if (!codec::parse_response(text, parsed)) {
    throw std::runtime_error("server frame is not a [Response] text block");
  }
  message m;
  m.text.assign(text);
  m.payload.assign(payload);
  m.command.assign(parsed.command());
  for (const auto& pair : parsed.pairs()) {
    if (codec::iequals(pair.key, "Code")) {
      const auto code = codec::parse_integer(pair.value, 0, UINT32_MAX);
      if (!code) throw std::runtime_error("server frame has a malformed Code");
      m.code = static_cast<std::uint32_t>(*code);
    } else {
      m.keys.emplace_back(pair.key, pair.value);
    }
  }
  return m;
}

}  // namespace asyncsvr::client
