#pragma once
// Throughput protocol, flag 5 (PROTOCOL.md §13): CyclePacket echoes its payload with Count + 1.
// It exists for load tests, so its one command is the server's hottest path.

#include "asyncsvr/net/framed_session.hpp"
#include "asyncsvr/net/protocol_registry.hpp"

namespace asyncsvr::protocols {

inline constexpr std::uint8_t throughput_flag = 5;

class throughput_session final : public net::framed_session {
 public:
  using framed_session::framed_session;

 private:
  std::span<const net::command_spec> commands() const override;
  bool serves_anonymously(const net::command_spec&) const override;
  void on_start() override;

  void cycle_packet(const net::request& r);
};

void register_throughput(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
