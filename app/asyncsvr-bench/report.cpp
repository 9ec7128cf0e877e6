#include "report.hpp"

#include <cstdio>
#include <string>

#include <boost/json.hpp>

namespace asyncsvr::bench {

namespace {

namespace json = boost::json;

constexpr double mega = 1e6;  // MB = 10^6 bytes, as network figures usually are

double per_second(double amount, double seconds) {
  return seconds > 0 ? amount / seconds : 0;
}

json::value optional_number(const std::optional<double>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

// CPU seconds over the window as a percentage of one core.
std::optional<double> percent(const std::optional<double>& cpu_seconds, double window_seconds) {
  if (!cpu_seconds) return std::nullopt;
  return 100.0 * per_second(*cpu_seconds, window_seconds);
}

// The CPU figures every mode reports for its measured window.
void add_cpu(json::object& doc, const cpu_window::result& w, std::string_view prefix = "") {
  const std::string p(prefix);
  doc[p + "client_cpu_percent"] = 100.0 * per_second(w.own_cpu_seconds, w.seconds);
  doc[p + "server_cpu_s"] = optional_number(w.server_cpu_seconds);
  doc[p + "server_cpu_percent"] = optional_number(percent(w.server_cpu_seconds, w.seconds));
  // Busy time of everything else on the machine: a large value means the run was disturbed.
  doc[p + "other_cpu_percent"] = optional_number(percent(w.other_cpu_seconds, w.seconds));
}

std::string format(const char* pattern, double value);

// "  server CPU x %, generator y %, other processes z %" for the human summaries.
std::string cpu_line(const cpu_window::result& w) {
  std::string line =
      "generator " + format("%.1f", 100.0 * per_second(w.own_cpu_seconds, w.seconds)) + " %";
  if (const auto server = percent(w.server_cpu_seconds, w.seconds))
    line = "server " + format("%.1f", *server) + " %, " + line;
  if (const auto other = percent(w.other_cpu_seconds, w.seconds))
    line += ", everything else " + format("%.1f", *other) + " %";
  return line + " of one core";
}

// "0", or the total followed by every non-zero kind.
std::string error_line(const throughput_errors& e) {
  std::string line = std::to_string(e.total());
  const std::pair<const char*, std::uint64_t> kinds[] = {{"connect", e.connect},
                                                         {"login", e.login},
                                                         {"I/O", e.io},
                                                         {"framing", e.framing},
                                                         {"bad reply", e.bad_reply},
                                                         {"Code != 0", e.bad_code},
                                                         {"bad Count", e.bad_count},
                                                         {"bad payload", e.bad_payload},
                                                         {"Disconnect", e.disconnect}};
  const char* separator = " (";
  for (const auto& [name, count] : kinds) {
    if (count == 0) continue;
    line += separator + std::to_string(count) + " " + name;
    separator = ", ";
  }
  return e.total() == 0 ? line : line + ")";
}

json::object latency_json(const latency_summary& s) {
  return {{"samples", s.samples}, {"min", s.min_us},   {"mean", s.mean_us}, {"p50", s.p50_us},
          {"p99", s.p99_us},      {"p999", s.p999_us}, {"max", s.max_us}};
}

json::value memory_json(const std::optional<process_memory>& m) {
  if (!m) return nullptr;
  return json::object{{"rss", m->rss}, {"anon", m->anon}, {"file", m->file}, {"heap", m->heap}};
}

json::value optional_rss(const std::optional<process_memory>& m) {
  return m ? json::value(m->rss) : json::value(nullptr);
}

json::object target_json(const common_options& o) {
  return {{"host", o.host},
          {"port", o.port},
          {"threads", o.threads},
          {"login", !o.user.empty()},
          {"server_pid", o.server_pid ? json::value(*o.server_pid) : json::value(nullptr)}};
}

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string latency_line(const latency_summary& s) {
  return "p50 " + format("%.1f", s.p50_us) + " µs, p99 " + format("%.1f", s.p99_us) +
         " µs, p99.9 " + format("%.1f", s.p999_us) + " µs, max " + format("%.1f", s.max_us) +
         " µs (" + std::to_string(s.samples) + " samples)";
}

std::string mib(std::uint64_t bytes) {
  return format("%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

// Derived figures shared by the JSON and the human output.
struct throughput_figures {
  double requests_per_s;
  double payload_mb_per_s;
  double wire_mb_per_s;
  std::optional<double> server_cpu_us_per_request;
};

throughput_figures figures(const throughput_result& r) {
  throughput_figures f{};
  const auto requests = static_cast<double>(r.requests);
  const double seconds = r.window.seconds;
  f.requests_per_s = per_second(requests, seconds);
  f.payload_mb_per_s =
      per_second(2.0 * requests * static_cast<double>(r.options.payload), seconds) / mega;
  f.wire_mb_per_s =
      per_second(static_cast<double>(r.bytes_sent + r.bytes_received), seconds) / mega;
  if (r.window.server_cpu_seconds && r.requests > 0)
    f.server_cpu_us_per_request = *r.window.server_cpu_seconds * mega / requests;
  return f;
}

}  // namespace

void print(std::ostream& out, const throughput_result& r, bool as_json) {
  const auto f = figures(r);
  const auto& o = r.options;
  if (as_json) {
    const auto& e = r.errors;
    json::object doc{
        {"mode", "throughput"},
        {"target", target_json(o)},
        {"raw", o.raw},
        {"connections", o.connections},
        {"payload_bytes", o.payload},
        {"depth", o.depth},
        {"warmup_s", o.warmup},
        {"duration_s", r.window.seconds},
        {"requests", r.requests},
        {"requests_per_s", f.requests_per_s},
        {"payload_mb_per_s", f.payload_mb_per_s},
        {"wire_mb_per_s", f.wire_mb_per_s},
        {"mb_definition",
         "payload_mb_per_s = 2 x payload bytes x requests / s / 10^6 (request and echo); "
         "wire_mb_per_s = all frame bytes both ways / s / 10^6"},
        {"bytes_sent", r.bytes_sent},
        {"bytes_received", r.bytes_received},
        {"latency_us", latency_json(r.latency)},
        {"connections_ready", r.connections_ready},
        {"connections_failed", r.connections_failed},
        {"connections_lost", r.connections_lost},
        {"errors",
         {{"total", e.total()},
          {"connect", e.connect},
          {"login", e.login},
          {"io", e.io},
          {"framing", e.framing},
          {"bad_reply", e.bad_reply},
          {"bad_code", e.bad_code},
          {"bad_count", e.bad_count},
          {"bad_payload", e.bad_payload},
          {"disconnect", e.disconnect}}},
        {"server_cpu_us_per_request", optional_number(f.server_cpu_us_per_request)},
    };
    add_cpu(doc, r.window);
    out << json::serialize(doc) << "\n";
    return;
  }
  out << "throughput" << (o.raw ? " (raw echo)" : "") << ": " << o.connections
      << " connections x depth " << o.depth << ", payload " << o.payload << " B, " << o.threads
      << " thread(s), " << format("%.2f", r.window.seconds) << " s measured after "
      << format("%.1f", o.warmup) << " s warm-up\n"
      << "  requests/s   " << format("%.0f", f.requests_per_s) << "  (" << r.requests
      << " replies)\n"
      << "  MB/s         " << format("%.2f", f.payload_mb_per_s) << " payload both ways, "
      << format("%.2f", f.wire_mb_per_s) << " on the wire (1 MB = 10^6 B)\n"
      << "  latency      " << latency_line(r.latency) << "\n"
      << "  connections  " << r.connections_ready << " ready, " << r.connections_failed
      << " failed, " << r.connections_lost << " lost\n"
      << "  errors       " << error_line(r.errors) << "\n"
      << "  CPU          " << cpu_line(r.window) << "\n";
  if (f.server_cpu_us_per_request) {
    out << "  server cost  " << format("%.2f", *f.server_cpu_us_per_request)
        << " µs CPU per request\n";
  }
}

void print(std::ostream& out, const capacity_result& r, bool as_json) {
  const auto& o = r.options;
  // Growth of one memory figure from before the first connect to the established state, per
  // connection.
  const auto per_connection = [&r](std::uint64_t process_memory::*field) -> std::optional<double> {
    if (!r.memory_before || !r.memory_established || r.established == 0) return std::nullopt;
    return (static_cast<double>((*r.memory_established).*field) -
            static_cast<double>((*r.memory_before).*field)) /
           static_cast<double>(r.established);
  };
  const auto rss_per_connection = per_connection(&process_memory::rss);
  const auto anon_per_connection = per_connection(&process_memory::anon);
  const auto heap_per_connection = per_connection(&process_memory::heap);
  const double connects_per_s = per_second(static_cast<double>(r.established), r.establish_seconds);
  if (as_json) {
    json::object doc{
        {"mode", "capacity"},
        {"target", target_json(o)},
        {"requested", o.connections},
        {"established", r.established},
        {"failed", r.failed},
        {"login_rejected", r.login_rejected},
        {"closed_by_server", r.closed_by_server},
        {"establish_s", r.establish_seconds},
        {"connects_per_s", connects_per_s},
        {"heartbeat_s", o.heartbeat},
        {"hold_s", o.hold},
        {"settle_s", o.settle},
        {"heartbeats_sent", r.heartbeats_sent},
        {"heartbeats_skipped", r.heartbeats_skipped},
        {"heartbeat_errors", r.heartbeat_errors},
        {"heartbeat_rtt_us", latency_json(r.heartbeat_rtt)},
        {"idle_window_s", r.idle.seconds},
        {"processes", o.processes},
        {"server_rss_before_bytes", optional_rss(r.memory_before)},
        {"server_rss_established_bytes", optional_rss(r.memory_established)},
        {"server_rss_end_bytes", optional_rss(r.memory_end)},
        {"server_rss_per_connection_bytes", optional_number(rss_per_connection)},
        {"server_anon_per_connection_bytes", optional_number(anon_per_connection)},
        {"server_heap_per_connection_bytes", optional_number(heap_per_connection)},
        {"server_memory",
         {{"before", memory_json(r.memory_before)},
          {"established", memory_json(r.memory_established)},
          {"end", memory_json(r.memory_end)}}},
    };
    add_cpu(doc, r.idle, "idle_");
    out << json::serialize(doc) << "\n";
    return;
  }
  out << "capacity: " << r.established << " of " << o.connections << " Control connections "
      << "held by " << o.processes << " process(es), "
      << "logged in (" << r.failed << " failed, " << r.login_rejected << " Login rejected) in "
      << format("%.2f", r.establish_seconds) << " s (" << format("%.0f", connects_per_s) << "/s)\n"
      << "  closed by server  " << r.closed_by_server << "\n"
      << "  heartbeat RTT     " << latency_line(r.heartbeat_rtt) << "; " << r.heartbeats_skipped
      << " skipped, " << r.heartbeat_errors << " errors\n";
  if (r.memory_before && r.memory_established) {
    out << "  server RSS        " << mib(r.memory_before->rss) << " before, "
        << mib(r.memory_established->rss) << " established";
    if (r.memory_end) out << ", " << mib(r.memory_end->rss) << " at the end of the hold";
    out << "\n";
  }
  if (rss_per_connection && anon_per_connection && heap_per_connection) {
    out << "  per connection    RSS " << format("%.0f", *rss_per_connection) << " B, anonymous "
        << format("%.0f", *anon_per_connection) << " B (brk heap "
        << format("%.0f", *heap_per_connection) << " B, other anonymous mappings "
        << format("%.0f", *anon_per_connection - *heap_per_connection) << " B)\n";
  }
  out << "  idle CPU          " << cpu_line(r.idle) << ", over " << format("%.1f", r.idle.seconds)
      << " s\n";
}

void print(std::ostream& out, const accept_result& r, bool as_json) {
  const auto& o = r.options;
  const double rate = per_second(static_cast<double>(r.connections), r.window.seconds);
  if (as_json) {
    json::object doc{
        {"mode", "accept"},
        {"target", target_json(o)},
        {"raw", o.raw},
        {"handshake_only", o.handshake_only},
        {"concurrency", o.concurrency},
        {"duration_s", r.window.seconds},
        {"connections", r.connections},
        {"connections_per_s", rate},
        {"failures",
         {{"connect", r.connect_failures}, {"io", r.io_failures}, {"bad_reply", r.bad_replies}}},
        {"cycle_us", latency_json(r.cycle)},
    };
    add_cpu(doc, r.window);
    out << json::serialize(doc) << "\n";
    return;
  }
  out << "accept: " << o.concurrency << " concurrent loops, "
      << (o.handshake_only ? "flag byte only" : "flag + one CyclePacket") << ", "
      << format("%.2f", r.window.seconds) << " s\n"
      << "  connections/s  " << format("%.0f", rate) << "  (" << r.connections << ")\n"
      << "  failures       " << r.connect_failures << " connect, " << r.io_failures << " I/O, "
      << r.bad_replies << " bad replies\n"
      << "  cycle          " << latency_line(r.cycle) << "\n"
      << "  CPU            " << cpu_line(r.window) << "\n";
}

}  // namespace asyncsvr::bench
