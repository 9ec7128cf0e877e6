#pragma once
// Control protocol, flag 8 (PROTOCOL.md §9, §15): the online list, administration (Kick,
// Broadcast) and server statistics, plus Message pushes to sessions that asked for them.

#include <memory>
#include <string>

#include "asyncsvr/net/framed_session.hpp"
#include "asyncsvr/net/protocol_registry.hpp"

namespace asyncsvr::protocols {

inline constexpr std::uint8_t control_flag = 8;

struct broadcast_tally;

class control_session final : public net::framed_session {
 public:
  using framed_session::framed_session;

  // Queues a Message push if this session is logged in and was granted Message; counts the
  // outcome in `tally`. Thread-safe.
  void offer_message(std::shared_ptr<const std::string> frame,
                     std::shared_ptr<broadcast_tally> tally);

 private:
  std::span<const net::command_spec> commands() const override;
  bool grants(std::string_view capability) const override { return capability == "Message"; }

  void get_clients(const net::request& r);
  void broadcast(const net::request& r);
  void kick_session(const net::request& r);
  void stats(const net::request& r);
  void finish_broadcast(std::int64_t delivered, std::int64_t dropped);
};

void register_control(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
