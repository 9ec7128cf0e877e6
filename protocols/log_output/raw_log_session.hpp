#pragma once
// Legacy raw LogOutput (PROTOCOL.md §14.3), for telnet users of the original server: no frames
// and no Login. A banner line, then log lines as plain text, `*** N log lines dropped ***` at
// each gap; a received ESC closes, any other input is ignored, and no Disconnect notice is ever
// sent. Only peers on log_output_legacy_raw_allow get it, and only with log_output_legacy_raw on.

#include <span>
#include <string_view>

#include "asyncsvr/net/session.hpp"
#include "log_feed_session.hpp"

namespace asyncsvr::protocols {

class raw_log_session final : public log_feed_session<net::session> {
 public:
  using log_feed_session::log_feed_session;

 private:
  bool framed() const noexcept override { return false; }
  bool sends_notices() const noexcept override { return false; }
  void on_start() override;
  void on_raw_input(std::span<const char> bytes) override;
  // Never called: a raw session gets its input through on_raw_input.
  void on_request(const codec::command_text&, std::span<const char>) override {}

  void send_lines(std::string_view lines, std::size_t count) override;
  void send_gap(std::uint64_t dropped) override;
};

}  // namespace asyncsvr::protocols
