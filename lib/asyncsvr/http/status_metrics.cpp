#include "asyncsvr/http/status_metrics.hpp"

#include <array>
#include <vector>

namespace asyncsvr::http {

namespace {

struct reading {
  const net::server_stats& server;
  const process_stats& process;
};

struct scalar_metric {
  std::string_view path;
  metric_kind kind;
  std::string_view help;
  std::uint64_t (*value)(const reading&);
};

using enum metric_kind;

// Order matters only for readers: it is the order of /status and /metrics.
constexpr std::array scalar_metrics{
    scalar_metric{"uptime_seconds", gauge, "Seconds since the server started",
                  [](const reading& r) { return r.server.uptime_seconds; }},
    scalar_metric{"threads", gauge, "I/O threads",
                  [](const reading& r) -> std::uint64_t { return r.server.threads; }},
    scalar_metric{"process.resident_bytes", gauge, "Resident set size of the process",
                  [](const reading& r) { return r.process.resident_bytes; }},
    scalar_metric{"process.open_files", gauge, "File descriptors open, sockets included",
                  [](const reading& r) { return r.process.open_files; }},
    scalar_metric{"connections.current", gauge, "Open connections, handshakes included",
                  [](const reading& r) { return r.server.connections; }},
    scalar_metric{"connections.handshaking", gauge,
                  "Connections that have not sent their protocol flag yet",
                  [](const reading& r) { return r.server.handshakes; }},
    scalar_metric{"connections.accepted_total", counter, "Connections accepted",
                  [](const reading& r) { return r.server.connections_total; }},
    scalar_metric{"connections.rejected_max_connections", counter,
                  "Connections refused because max_connections were open",
                  [](const reading& r) { return r.server.rejected_max_connections; }},
    scalar_metric{"connections.rejected_max_connections_per_ip", counter,
                  "Connections refused because max_connections_per_ip were open from their address",
                  [](const reading& r) { return r.server.rejected_max_connections_per_ip; }},
    scalar_metric{"connections.rejected_no_descriptors", counter,
                  "Connections shed while out of file descriptors",
                  [](const reading& r) { return r.server.rejected_no_descriptors; }},
    scalar_metric{"connections.accept_backoffs", counter,
                  "Times accepting paused for lack of file descriptors (EMFILE/ENFILE)",
                  [](const reading& r) { return r.server.accept_backoffs; }},
    scalar_metric{"transfers.uploads", gauge, "Uploads in progress",
                  [](const reading& r) { return r.server.active_uploads; }},
    scalar_metric{"transfers.downloads", gauge, "Downloads in progress",
                  [](const reading& r) { return r.server.active_downloads; }},
    scalar_metric{"traffic.bytes_in", counter, "Bytes received from clients",
                  [](const reading& r) { return r.server.bytes_in; }},
    scalar_metric{"traffic.bytes_out", counter, "Bytes sent to clients",
                  [](const reading& r) { return r.server.bytes_out; }},
    scalar_metric{"traffic.frames_in", counter, "Frames received",
                  [](const reading& r) { return r.server.frames_in; }},
    scalar_metric{"traffic.frames_out", counter, "Frames sent",
                  [](const reading& r) { return r.server.frames_out; }},
    scalar_metric{"traffic.protocol_errors", counter, "Requests answered with a protocol error",
                  [](const reading& r) { return r.server.protocol_errors; }},
    scalar_metric{"traffic.login_failures", counter, "Failed logins",
                  [](const reading& r) { return r.server.login_failures; }},
    scalar_metric{"traffic.login_backoffs", counter,
                  "Logins delayed because their address failed login_backoff_failures times",
                  [](const reading& r) { return r.server.login_backoffs; }},
    scalar_metric{"traffic.login_backoff_addresses", gauge,
                  "Addresses whose failed logins are remembered for the back-off",
                  [](const reading& r) { return r.server.login_backoff_addresses; }},
    scalar_metric{"traffic.log_lines_dropped", counter,
                  "Log lines dropped for LogOutput subscribers that fell behind",
                  [](const reading& r) { return r.server.log_lines_dropped; }},
    scalar_metric{"traffic.messages_dropped", counter,
                  "Pushed messages dropped for sessions above send_queue_high_water",
                  [](const reading& r) { return r.server.messages_dropped; }},
    scalar_metric{"send_queues.queued_bytes", gauge, "Bytes waiting in all send queues",
                  [](const reading& r) { return r.server.queued_bytes; }},
    scalar_metric{"send_queues.largest_bytes", gauge,
                  "Largest send queue of any session since the start",
                  [](const reading& r) { return r.server.largest_send_queue; }},
    scalar_metric{"send_queues.backpressure_pauses", counter,
                  "Times a session stopped reading because its send queue passed high water",
                  [](const reading& r) { return r.server.backpressure_pauses; }},
    scalar_metric{"buffer_pool.in_use_bytes", gauge, "Pooled buffer bytes held by sessions",
                  [](const reading& r) { return r.server.buffers.in_use_bytes; }},
    scalar_metric{"buffer_pool.in_use_buffers", gauge, "Pooled buffers held by sessions",
                  [](const reading& r) { return r.server.buffers.in_use_buffers; }},
    scalar_metric{"buffer_pool.cached_bytes", gauge, "Free buffer bytes kept for reuse",
                  [](const reading& r) { return r.server.buffers.cached_bytes; }},
    scalar_metric{"buffer_pool.footprint_bytes", gauge,
                  "Buffer bytes obtained from the system and not returned",
                  [](const reading& r) { return r.server.buffers.footprint_bytes; }},
    scalar_metric{"buffer_pool.footprint_high_water_bytes", gauge,
                  "Highest buffer footprint since the start",
                  [](const reading& r) { return r.server.buffers.footprint_high_water; }},
    scalar_metric{"buffer_pool.system_allocations", counter,
                  "Buffers that had to come from the system",
                  [](const reading& r) { return r.server.buffers.system_allocations; }},
    scalar_metric{"buffer_pool.acquisitions", counter, "Buffers handed out",
                  [](const reading& r) { return r.server.buffers.acquisitions; }},
    scalar_metric{"object_pools.slabs", gauge, "Slabs holding sessions and handshakes",
                  [](const reading& r) { return r.server.objects.slabs; }},
    scalar_metric{"object_pools.slab_bytes", gauge, "Bytes of those slabs",
                  [](const reading& r) { return r.server.objects.slab_bytes; }},
    scalar_metric{"object_pools.objects", gauge, "Objects living in those slabs",
                  [](const reading& r) { return r.server.objects.objects; }},
};

}  // namespace

void for_each_metric(const net::server_stats& stats, const process_stats& process,
                     const std::function<void(const metric&)>& visit) {
  const reading r{stats, process};
  for (const auto& m : scalar_metrics) {
    const metric_sample sample{{}, m.value(r)};
    visit({m.path, m.kind, m.help, {}, {&sample, 1}});
  }

  std::vector<metric_sample> by_protocol;
  for (const auto& p : stats.protocols)
    by_protocol.push_back({p.name, p.sessions});
  visit({"connections.by_protocol", gauge, "Sessions past the handshake, by protocol", "protocol",
         by_protocol});

  std::array<metric_sample, net::close_reason_count> closed;
  for (std::size_t i = 0; i < net::close_reason_count; ++i)
    closed[i] = {net::name(static_cast<net::close_reason>(i)), stats.closed[i]};
  visit({"connections.closed", counter, "Connections closed, by reason", "reason", closed});
}

}  // namespace asyncsvr::http
