#pragma once
// Throughput protocol, flag 5 (PROTOCOL.md §13): CyclePacket echoes its payload with Count + 1.
// It exists for load tests, so its one command is the server's hottest path.

#include <optional>
#include <string_view>

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
  // A CyclePacket too large for the receive buffer: its reply is begun at once and the payload
  // echoed as it arrives, so that the server neither buffers it whole nor waits for its end.
  net::payload_route cycle_packet_head(const net::request& r, std::size_t payload_size);
  // The reply's text for a request whose payload has `payload_size` bytes, or nothing once an
  // error has been answered. The text lives in scratch() until the next reply is built.
  std::optional<std::string_view> cycle_reply(const net::request& r, std::size_t payload_size);
};

void register_throughput(net::protocol_registry& registry);

}  // namespace asyncsvr::protocols
