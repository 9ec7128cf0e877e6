#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace asyncsvr::net {

// Why a connection ended; each has a counter in server_metrics and a name in /status.
enum class close_reason : std::uint8_t {
  peer_closed,
  io_error,
  bad_flag,
  handshake_timeout,
  login_timeout,
  idle_timeout,
  send_stall,
  framing_error,
  kicked,
  login_failures,
  shutting_down,
  upload_taken_over,
  tls_failed,  // the TLS handshake failed (not TLS, too old a version, a bad record)
  count_       // number of reasons
};

inline constexpr std::size_t close_reason_count = static_cast<std::size_t>(close_reason::count_);

constexpr std::string_view name(close_reason reason) noexcept {
  constexpr std::array<std::string_view, close_reason_count> names{
      "peer_closed",   "io_error",       "bad_flag",      "handshake_timeout",
      "login_timeout", "idle_timeout",   "send_stall",    "framing_error",
      "kicked",        "login_failures", "shutting_down", "upload_taken_over",
      "tls_failed"};
  return names[static_cast<std::size_t>(reason)];
}

}  // namespace asyncsvr::net
