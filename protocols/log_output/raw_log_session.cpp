#include "raw_log_session.hpp"

#include <algorithm>
#include <string>

namespace asyncsvr::protocols {

namespace {
constexpr char escape = 0x1b;
}

void raw_log_session::on_start() {
  clear_login_deadline();  // raw mode has no Login
  auto& banner = scratch();
  banner.assign("asyncsvr " ASYNCSVR_VERSION).append(" log output; press ESC to close\r\n");
  send_raw(banner);
  subscribe();
}

void raw_log_session::on_raw_input(std::span<const char> bytes) {
  if (std::find(bytes.begin(), bytes.end(), escape) != bytes.end()) close_by_peer();
}

void raw_log_session::send_lines(std::string_view lines, std::size_t /*count*/) {
  send_raw(lines);
}

void raw_log_session::send_gap(std::uint64_t dropped) {
  auto& text = scratch();
  text.assign("*** ").append(std::to_string(dropped)).append(" log lines dropped ***\r\n");
  send_raw(text);
}

}  // namespace asyncsvr::protocols
