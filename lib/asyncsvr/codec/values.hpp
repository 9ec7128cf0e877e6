#pragma once
// PROTOCOL.md §4.3 value syntax, shared by every command handler and the client.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace asyncsvr::codec {

// int32 / int64: -?[0-9]{1,19}, no spaces, no '+', leading zeros allowed, within [min, max].
std::optional<std::int64_t> parse_integer(std::string_view text, std::int64_t min,
                                          std::int64_t max) noexcept;

// list: tokens separated by ',', each trimmed of spaces and TABs; empty tokens are skipped.
template <class OnToken>
void for_each_list_token(std::string_view list, OnToken&& on_token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    auto token = list.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t'))
      token.remove_suffix(1);
    if (!token.empty()) on_token(token);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// time: "YYYY-MM-DD HH:MM:SS.mmm" in UTC (server-sent only).
std::string format_time(std::chrono::system_clock::time_point t);

}  // namespace asyncsvr::codec
