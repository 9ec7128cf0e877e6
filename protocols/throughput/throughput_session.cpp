#include "throughput_session.hpp"

#include <cstdint>
#include <limits>

namespace asyncsvr::protocols {

std::span<const net::command_spec> throughput_session::commands() const {
  static constexpr net::command_spec table[] = {
      {"CyclePacket", net::access::login, net::payload::allowed,
       &call<&throughput_session::cycle_packet>, false,
       &call_head<&throughput_session::cycle_packet_head>},
  };
  return table;
}

bool throughput_session::serves_anonymously(const net::command_spec&) const {
  return context().config.throughput_allow_anonymous;
}

void throughput_session::on_start() {
  // §2.2: an anonymous load generator has no login to wait for.
  if (context().config.throughput_allow_anonymous) clear_login_deadline();
}

std::optional<std::string_view> throughput_session::cycle_reply(const net::request& r,
                                                                std::size_t payload_size) {
  net::key_reader keys(r);
  // §13.1: Count ≤ 2^63 − 2, so that Count + 1 still fits.
  const auto count =
      keys.integer("Count", net::presence::required, std::numeric_limits<std::int64_t>::min(),
                   std::numeric_limits<std::int64_t>::max() - 1);
  if (!keys.ok()) {
    reply_error(r, keys.error(), keys.problem());
    return std::nullopt;
  }
  auto reply = begin_reply(r);
  reply.add("Count", *count + 1);
  // The echo must not make the reply larger than any frame may be (§13.1).
  if (4 + reply.text().size() + payload_size > context().config.max_packet_size) {
    reply_error(r, codec::result_code::parameter_error, "echo would exceed max_packet_size");
    return std::nullopt;
  }
  return reply.text();
}

void throughput_session::cycle_packet(const net::request& r) {
  if (const auto text = cycle_reply(r, r.payload.size())) send(*text, r.payload);
}

net::payload_route throughput_session::cycle_packet_head(const net::request& r,
                                                         std::size_t payload_size) {
  const auto text = cycle_reply(r, payload_size);
  if (!text) return net::payload_route::skip;
  send_head(*text, payload_size);
  return net::payload_route::echo;
}

void register_throughput(net::protocol_registry& registry) {
  registry.add(throughput_flag, "Throughput",
               net::make_factory<throughput_session>(throughput_flag));
}

}  // namespace asyncsvr::protocols
