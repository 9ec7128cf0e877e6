#pragma once
// PROTOCOL.md §5: every result code the server sends, with its canonical name.

#include <cstdint>
#include <iosfwd>
#include <string_view>

namespace asyncsvr::codec {

enum class result_code : std::uint32_t {
  success = 0,
  not_exist_command = 1,
  packet_length_error = 2,
  packet_format_error = 3,
  unknown_error = 4,
  command_no_completed = 5,
  parameter_error = 6,
  user_or_password_error = 7,
  not_login = 8,
  file_not_exist = 9,
  not_open_file = 10,
  file_is_in_use = 11,
  dir_not_exist = 0x02000001,
  create_dir_error = 0x02000002,
  delete_dir_error = 0x02000003,
  delete_file_failed = 0x02000007,
  file_size_error = 0x02000008,
  path_not_allowed = 0x10000001,
  permission_denied = 0x10000002,
  session_not_found = 0x10000003,
  upload_taken_over = 0x10000004,
  kicked = 0x10000005,
  server_shutting_down = 0x10000006,
  quota_exceeded = 0x10000007,
  too_many_login_failures = 0x10000008,
  idle_timeout = 0x10000009,
  login_timeout = 0x1000000A,
  not_a_file = 0x1000000B,
};

// The §5 name, e.g. "PacketLengthError"; "Code<n>" style names are never needed because every
// value the server sends is listed. Returns "Unknown" for values outside the table.
std::string_view name(result_code code) noexcept;

// A short English default for the Message line of an error reply.
std::string_view default_message(result_code code) noexcept;

constexpr std::uint32_t value(result_code code) noexcept {
  return static_cast<std::uint32_t>(code);
}

// Writes "Name (value)", for logs and test diagnostics.
std::ostream& operator<<(std::ostream& out, result_code code);

}  // namespace asyncsvr::codec
