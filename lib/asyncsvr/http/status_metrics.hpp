#pragma once
// The one list of what /status and /metrics report. Each metric has a dotted path (its place in
// the /status JSON, and with '_' for '.' its Prometheus name after "asyncsvr_"), a kind, a help
// text and either one value or one value per label value (connections by protocol, closes by
// reason). status_json.cpp and prometheus_text.cpp only render this list.

#include <cstdint>
#include <functional>
#include <span>
#include <string_view>

#include "asyncsvr/http/process_stats.hpp"
#include "asyncsvr/net/server_stats.hpp"

namespace asyncsvr::http {

enum class metric_kind { counter, gauge };

struct metric_sample {
  std::string_view label_value;  // empty for a metric without a label
  std::uint64_t value = 0;
};

struct metric {
  std::string_view path;  // "connections.current"
  metric_kind kind;
  std::string_view help;
  std::string_view label;  // the label's name, empty for a metric with one unlabelled value
  std::span<const metric_sample> samples;
};

// Calls `visit` once per metric, in a fixed order; the spans are valid during the call only.
void for_each_metric(const net::server_stats& stats, const process_stats& process,
                     const std::function<void(const metric&)>& visit);

}  // namespace asyncsvr::http
