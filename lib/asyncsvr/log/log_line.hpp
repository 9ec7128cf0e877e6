#pragma once
// One log record as the LogOutput feed carries it (PROTOCOL.md §14.2):
// `YYYY-MM-DD HH:MM:SS.mmm LEVEL [session-id] text` in UTC, sanitised so that one record is
// always one line: CR becomes `\r`, LF `\n`, other C0 controls except TAB `?`, and the line is
// cut to max_line_bytes without splitting a UTF-8 character.
//
// Thread-safety: pure functions.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::log {

inline constexpr std::size_t max_line_bytes = 8 * 1024;

// Replaces `out` with the line (no line ending). Reuses out's capacity.
void format_line(std::string& out, log_severity level, std::uint64_t session_id,
                 std::chrono::system_clock::time_point when, std::string_view text);

}  // namespace asyncsvr::log
