#include "asyncsvr/http/status_json.hpp"

#include <fstream>
#include <string>
#include <unistd.h>

#include <boost/json.hpp>

namespace asyncsvr::http {

std::uint64_t resident_bytes() {
  // /proc/self/statm: size resident shared text lib data dt, in pages.
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::string status_json(const net::server_stats& s) {
  boost::json::object protocols;
  for (const auto& p : s.protocols)
    protocols[p.name] = p.sessions;

  boost::json::object closed;
  for (std::size_t i = 0; i < net::close_reason_count; ++i) {
    closed[net::name(static_cast<net::close_reason>(i))] = s.closed[i];
  }

  boost::json::object doc;
  doc["version"] = s.version;
  doc["uptime_seconds"] = s.uptime_seconds;
  doc["threads"] = s.threads;
  doc["rss_bytes"] = resident_bytes();
  doc["connections"] = {{"current", s.connections},
                        {"handshaking", s.handshakes},
                        {"by_protocol", std::move(protocols)},
                        {"accepted_total", s.connections_total},
                        {"rejected_max_connections", s.rejected_max_connections},
                        {"rejected_no_descriptors", s.rejected_no_descriptors},
                        {"accept_backoffs", s.accept_backoffs},
                        {"closed", std::move(closed)}};
  doc["transfers"] = {{"active_uploads", s.active_uploads},
                      {"active_downloads", s.active_downloads}};
  doc["traffic"] = {{"bytes_in", s.bytes_in},
                    {"bytes_out", s.bytes_out},
                    {"frames_in", s.frames_in},
                    {"frames_out", s.frames_out},
                    {"protocol_errors", s.protocol_errors},
                    {"login_failures", s.login_failures},
                    {"log_lines_dropped", s.log_lines_dropped},
                    {"messages_dropped", s.messages_dropped}};
  doc["send_queues"] = {{"largest_bytes", s.largest_send_queue},
                        {"backpressure_pauses", s.backpressure_pauses}};
  doc["buffer_pool"] = {{"in_use_bytes", s.buffers.in_use_bytes},
                        {"in_use_buffers", s.buffers.in_use_buffers},
                        {"cached_bytes", s.buffers.cached_bytes},
                        {"footprint_bytes", s.buffers.footprint_bytes},
                        {"footprint_high_water_bytes", s.buffers.footprint_high_water},
                        {"system_allocations", s.buffers.system_allocations},
                        {"acquisitions", s.buffers.acquisitions}};
  doc["object_pools"] = {{"slabs", s.objects.slabs},
                         {"slab_bytes", s.objects.slab_bytes},
                         {"objects", s.objects.objects},
                         {"ready_strands", s.ready_strands}};
  return boost::json::serialize(doc);
}

}  // namespace asyncsvr::http
