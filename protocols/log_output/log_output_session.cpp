#include "log_output_session.hpp"

#include "asyncsvr/log/log.hpp"
#include "asyncsvr/net/address_list.hpp"
#include "raw_log_session.hpp"

namespace asyncsvr::protocols {

bool log_output_session::admits(auth::role role) const {
  return role == auth::role::admin || !context().config.log_output_admin_only;
}

void log_output_session::send_lines(std::string_view lines, std::size_t count) {
  auto& text = scratch();
  codec::begin_response(text, "Log", codec::result_code::success).add("Count", count);
  send(text, lines);
}

void log_output_session::send_gap(std::uint64_t dropped) {
  auto& text = scratch();
  codec::begin_response(text, "LogDropped", codec::result_code::success).add("Count", dropped);
  send(text);
}

namespace {

// §14.3: raw mode only when enabled, and only for peers on the allow list; everyone else framed.
bool wants_raw_mode(const server_config& config, const net::connection_info& info) {
  if (!config.log_output_legacy_raw) return false;
  // Parsed per connection: raw mode is for a rare telnet user, and the setting was checked at
  // start-up, so a failure here means a setting that bypassed the options.
  const auto allowed = net::address_list::parse(config.log_output_legacy_raw_allow);
  if (!allowed) {
    LOG_WARN(info.id) << "log_output_legacy_raw_allow is not a valid list; raw mode refused";
    return false;
  }
  return allowed->contains(info.remote.address());
}

}  // namespace

void register_log_output(net::protocol_registry& registry) {
  registry.add(log_output_flag, "LogOutput",
               [framed = net::make_factory<log_output_session>(log_output_flag),
                raw = net::make_factory<raw_log_session>(log_output_flag)](
                   net::server_context& context, net::strand_type strand, net::transport stream,
                   net::connection_info info) {
                 const auto& make = wants_raw_mode(context.config, info) ? raw : framed;
                 return make(context, std::move(strand), std::move(stream), std::move(info));
               });
}

}  // namespace asyncsvr::protocols
