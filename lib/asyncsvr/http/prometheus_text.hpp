#pragma once

#include <string>

#include "asyncsvr/http/process_stats.hpp"
#include "asyncsvr/net/server_stats.hpp"

namespace asyncsvr::http {

// The /metrics body in the Prometheus text exposition format 0.0.4: every metric of
// status_metrics.hpp as asyncsvr_<path with '_' for '.'> (counters end in _total), each with its
// # HELP and # TYPE lines, plus asyncsvr_build_info{version="…"} 1.
std::string prometheus_text(const net::server_stats& stats, const process_stats& process);

}  // namespace asyncsvr::http
