#pragma once

#include <string>

#include "asyncsvr/http/process_stats.hpp"
#include "asyncsvr/net/server_stats.hpp"

namespace asyncsvr::http {

// The /status document: the version, then every metric of status_metrics.hpp, nested by its
// dotted path; a labelled metric is an object from label value to value.
std::string status_json(const net::server_stats& stats, const process_stats& process);

}  // namespace asyncsvr::http
