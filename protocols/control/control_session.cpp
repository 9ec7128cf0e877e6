#include "control_session.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/codec/values.hpp"
#include "asyncsvr/net/server_stats.hpp"
#include "broadcast_tally.hpp"

namespace asyncsvr::protocols {

namespace {

constexpr std::size_t max_message_bytes = 64 * 1024;  // §15.2, §15.3
constexpr std::size_t max_kick_reason = 256;          // §15.4

// Protocol flags of PROTOCOL.md §2.1, for the per-protocol keys of Stats.
constexpr std::uint8_t upload_flag = 2;
constexpr std::uint8_t download_flag = 3;
constexpr std::uint8_t remote_stream_flag = 4;
constexpr std::uint8_t throughput_flag_value = 5;
constexpr std::uint8_t log_output_flag = 9;

std::string endpoint_text(const boost::asio::ip::tcp::endpoint& endpoint) {
  std::ostringstream out;
  out << endpoint;  // Asio writes IPv6 as [addr]:port, as §9.1 asks
  return out.str();
}

}  // namespace

std::span<const net::command_spec> control_session::commands() const {
  static constexpr net::command_spec table[] = {
      {"GetClients", net::access::login, net::payload::none, &call<&control_session::get_clients>},
      {"Broadcast", net::access::admin, net::payload::allowed, &call<&control_session::broadcast>},
      {"Kick", net::access::admin, net::payload::none, &call<&control_session::kick_session>},
      {"Stats", net::access::login, net::payload::none, &call<&control_session::stats>},
  };
  return table;
}

void control_session::get_clients(const net::request& r) {
  const auto& config = context().config;
  if (config.get_clients_admin_only && !is_admin()) {
    return reply_error(r, codec::result_code::permission_denied, "administrator role required");
  }
  // §9.1 lists sessions past their flag byte, ordered by id.
  std::vector<net::connection_snapshot> clients;
  for (const auto& c : context().registry.collect()) {
    auto s = c->snapshot();
    if (s.flag != 0) clients.push_back(std::move(s));
  }
  std::sort(clients.begin(), clients.end(),
            [](const auto& a, const auto& b) { return a.info->id < b.info->id; });
  auto reply = begin_reply(r);
  std::string item;
  for (const auto& c : clients) {
    item.clear();
    item.append(endpoint_text(c.info->local)).push_back('\t');
    item.append(endpoint_text(c.info->remote)).push_back('\t');
    item.append(context().protocols.name(c.flag)).push_back('\t');
    item.append(c.user).push_back('\t');
    item.append(codec::format_time(context().to_system(c.info->connected_steady))).push_back('\t');
    item.append(codec::format_time(context().to_system(c.last_activity))).push_back('\t');
    item.append(std::to_string(c.info->id));
    if (!add_listed(reply, "Item", item)) break;
  }
  send(reply.text());
}

void control_session::broadcast(const net::request& r) {
  const std::string_view message(r.payload.data(), r.payload.size());
  if (message.empty() || message.size() > max_message_bytes || !codec::is_valid_utf8(message)) {
    return reply_error(r, codec::result_code::parameter_error,
                       "message must be 1 to 65536 bytes of UTF-8");
  }
  // §15.3 / DESIGN habit 7: build the push once and share it; every recipient queues the
  // same bytes on its own strand.
  std::string text;
  codec::begin_response(text, "Message", codec::result_code::success)
      .add("From", account()->name)
      .add("FromSessionId", id())
      .add("Time", codec::format_time(std::chrono::system_clock::now()));
  auto frame = std::make_shared<std::string>();
  codec::append_frame(*frame, text, r.payload, context().limits.byte_order);

  auto recipients = context().registry.collect(control_flag);
  auto tally = std::make_shared<broadcast_tally>();
  tally->pending = recipients.size() + 1;  // +1: the sender's own share, released below
  auto self = std::static_pointer_cast<control_session>(shared_from_this());
  tally->on_complete = [self](std::int64_t delivered, std::int64_t dropped) {
    self->run_on_strand([self, delivered, dropped] {
      self->finish_broadcast(delivered, dropped);
      self->resume_requests();
    });
  };
  suspend_requests();  // the reply waits for the tally; later requests wait behind it
  std::shared_ptr<const std::string> shared = std::move(frame);
  for (auto& c : recipients) {
    if (auto target = std::dynamic_pointer_cast<control_session>(c)) {
      target->offer_message(shared, tally);
    } else {
      tally->recipient_done();
    }
  }
  tally->recipient_done();
}

void control_session::offer_message(std::shared_ptr<const std::string> frame,
                                    std::shared_ptr<broadcast_tally> tally) {
  auto self = std::static_pointer_cast<control_session>(shared_from_this());
  run_on_strand([self, frame = std::move(frame), tally = std::move(tally)] {
    if (!self->ending() && self->logged_in() && self->granted_capability("Message")) {
      if (self->push_shared(frame)) {
        tally->delivered.fetch_add(1, std::memory_order_relaxed);
      } else {
        tally->dropped.fetch_add(1, std::memory_order_relaxed);
        self->context().metrics.messages_dropped.add();
      }
    }
    tally->recipient_done();
  });
}

void control_session::finish_broadcast(std::int64_t delivered, std::int64_t dropped) {
  auto reply = codec::begin_response(scratch(), "Broadcast", codec::result_code::success);
  reply.add("Delivered", delivered).add("Dropped", dropped);
  send(reply.text());
}

void control_session::kick_session(const net::request& r) {
  net::key_reader keys(r);
  const auto target_id = keys.integer("SessionId", net::presence::required, 1,
                                      std::numeric_limits<std::int64_t>::max());
  const auto reason = keys.text("Reason", net::presence::optional);
  if (!keys.ok()) return reply_error(r, keys.error(), keys.problem());
  if (reason && reason->size() > max_kick_reason) {
    return reply_error(r, codec::result_code::parameter_error, "Reason is longer than 256 bytes");
  }
  auto target = context().registry.find(static_cast<std::uint64_t>(*target_id));
  if (!target) return reply_error(r, codec::result_code::session_not_found);
  // The reply is queued now and the kick runs on the target's strand afterwards, so kicking
  // oneself still sees the reply before the notice (§15.4).
  reply_ok(r);
  target->kick(std::string(reason.value_or(std::string_view{})));
}

void control_session::stats(const net::request& r) {
  const auto s = net::collect_stats(context(), 0);
  auto reply = begin_reply(r);
  reply.add("Version", s.version)
      .add("UptimeSeconds", s.uptime_seconds)
      .add("Connections", s.connections)
      .add("ConnectionsTotal", s.connections_total)
      .add("ControlSessions", net::sessions_of(s, control_flag))
      .add("UploadSessions", net::sessions_of(s, upload_flag))
      .add("DownloadSessions", net::sessions_of(s, download_flag))
      .add("RemoteStreamSessions", net::sessions_of(s, remote_stream_flag))
      .add("ThroughputSessions", net::sessions_of(s, throughput_flag_value))
      .add("LogOutputSessions", net::sessions_of(s, log_output_flag))
      .add("ActiveUploads", s.active_uploads)
      .add("ActiveDownloads", s.active_downloads)
      .add("BytesIn", s.bytes_in)
      .add("BytesOut", s.bytes_out)
      .add("FramesIn", s.frames_in)
      .add("FramesOut", s.frames_out)
      .add("ProtocolErrors", s.protocol_errors)
      .add("LoginFailures", s.login_failures)
      .add("LogLinesDropped", s.log_lines_dropped)
      .add("MessagesDropped", s.messages_dropped);
  send(reply.text());
}

void register_control(net::protocol_registry& registry) {
  registry.add(control_flag, "Control", net::make_factory<control_session>(control_flag));
}

}  // namespace asyncsvr::protocols
