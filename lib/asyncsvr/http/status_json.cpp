#include "asyncsvr/http/status_json.hpp"

#include <boost/json.hpp>

#include "asyncsvr/http/status_metrics.hpp"

namespace asyncsvr::http {

namespace {

// The object that holds the last part of `path`, made on the way; returns that last part.
std::string_view place(boost::json::object*& parent, std::string_view path) {
  for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
    auto& child = (*parent)[path.substr(0, dot)];
    if (!child.is_object()) child.emplace_object();
    parent = &child.get_object();
    path.remove_prefix(dot + 1);
  }
  return path;
}

}  // namespace

std::string status_json(const net::server_stats& stats, const process_stats& process) {
  boost::json::object doc;
  doc["version"] = stats.version;
  for_each_metric(stats, process, [&](const metric& m) {
    auto* parent = &doc;
    const auto key = place(parent, m.path);
    if (m.label.empty()) {
      (*parent)[key] = m.samples.front().value;
      return;
    }
    boost::json::object values;
    for (const auto& sample : m.samples)
      values[sample.label_value] = sample.value;
    (*parent)[key] = std::move(values);
  });
  return boost::json::serialize(doc);
}

}  // namespace asyncsvr::http
