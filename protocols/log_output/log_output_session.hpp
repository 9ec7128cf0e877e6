#pragma once
// LogOutput protocol, flag 9 (PROTOCOL.md §14): after an admin Login (any role when
// log_output_admin_only is off) the backlog and then live log lines as Log pushes, with
// LogDropped where a slow reader lost lines. Peers allowed the legacy raw mode get
// raw_log_session instead (§14.3).

#include <cstdint>

#include "asyncsvr/net/framed_session.hpp"
#include "asyncsvr/net/protocol_registry.hpp"
#include "log_feed_session.hpp"

namespace asyncsvr::protocols {

inline constexpr std::uint8_t log_output_flag = 9;

class log_output_session final : public log_feed_session<net::framed_session> {
 public:
  using log_feed_session::log_feed_session;

 private:
  std::span<const net::command_spec> commands() const override { return {}; }
  bool admits(auth::role role) const override;
  void on_login() override { subscribe(); }
  bool entitled() const override { return logged_in(); }

  void send_lines(std::string_view lines, std::size_t count) override;
  void send_gap(std::uint64_t dropped) override;
};

void register_log_output(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
