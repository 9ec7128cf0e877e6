#include "asyncsvr/net/server_stats.hpp"

#include "asyncsvr/auth/login_service.hpp"
#include "asyncsvr/net/protocol_registry.hpp"

namespace asyncsvr::net {

server_stats collect_stats(const server_context& context, unsigned threads) {
  const auto& m = context.metrics;
  server_stats s;
  s.version = ASYNCSVR_VERSION;
  s.uptime_seconds =
      static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::steady_clock::now() - context.started_steady)
                                     .count());
  s.threads = threads;
  s.connections = context.registry.size();
  s.handshakes = context.registry.count(0);
  context.protocols.for_each([&](std::uint8_t flag, std::string_view name) {
    s.protocols.push_back({flag, name, context.registry.count(flag)});
  });
  s.connections_total = m.accepted.value();
  s.rejected_max_connections = m.rejected_max_connections.value();
  s.rejected_max_connections_per_ip = m.rejected_max_connections_per_ip.value();
  s.rejected_no_descriptors = m.rejected_no_descriptors.value();
  s.accept_backoffs = m.accept_backoffs.value();
  for (std::size_t i = 0; i < close_reason_count; ++i)
    s.closed[i] = m.closed[i].value();
  s.active_uploads = m.active_uploads.value();
  s.active_downloads = m.active_downloads.value();
  s.bytes_in = m.bytes_in.value();
  s.bytes_out = m.bytes_out.value();
  s.frames_in = m.frames_in.value();
  s.frames_out = m.frames_out.value();
  s.protocol_errors = m.protocol_errors.value();
  s.login_failures = m.login_failures.value();
  s.login_backoffs = context.logins.throttle().backoffs();
  s.login_backoff_addresses = context.logins.throttle().addresses();
  s.log_lines_dropped = m.log_lines_dropped.value();
  s.messages_dropped = m.messages_dropped.value();
  s.backpressure_pauses = m.backpressure_pauses.value();
  s.largest_send_queue = m.largest_send_queue.value();
  s.queued_bytes = m.queued_bytes.value();
  s.buffers = context.pool.stats();
  s.objects = context.objects.stats();
  return s;
}

std::uint64_t sessions_of(const server_stats& stats, std::uint8_t flag) noexcept {
  for (const auto& p : stats.protocols) {
    if (p.flag == flag) return p.sessions;
  }
  return 0;
}

}  // namespace asyncsvr::net
