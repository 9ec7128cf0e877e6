#include "asyncsvr/http/prometheus_text.hpp"

#include <algorithm>

#include "asyncsvr/http/status_metrics.hpp"

namespace asyncsvr::http {

namespace {

constexpr std::string_view prefix = "asyncsvr_";
constexpr std::string_view counter_suffix = "_total";

std::string metric_name(const metric& m) {
  std::string name(prefix);
  name += m.path;
  std::replace(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(), '.', '_');
  if (m.kind == metric_kind::counter && !name.ends_with(counter_suffix)) name += counter_suffix;
  return name;
}

// Label values may hold any text; the format escapes backslash, quote and newline.
void append_label_value(std::string& out, std::string_view value) {
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
}

void append_family(std::string& out, std::string_view name, std::string_view kind,
                   std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(kind).append("\n");
}

}  // namespace

std::string prometheus_text(const net::server_stats& stats, const process_stats& process) {
  std::string out;
  append_family(out, "asyncsvr_build_info", "gauge", "The running version, as a label");
  out.append("asyncsvr_build_info{version=\"");
  append_label_value(out, stats.version);
  out.append("\"} 1\n");
  for_each_metric(stats, process, [&](const metric& m) {
    const auto name = metric_name(m);
    append_family(out, name, m.kind == metric_kind::counter ? "counter" : "gauge", m.help);
    for (const auto& sample : m.samples) {
      out += name;
      if (!m.label.empty()) {
        out.append("{").append(m.label).append("=\"");
        append_label_value(out, sample.label_value);
        out.append("\"}");
      }
      out.append(" ").append(std::to_string(sample.value)).append("\n");
    }
  });
  return out;
}

}  // namespace asyncsvr::http
