#pragma once

#include <string>

#include "asyncsvr/net/server_stats.hpp"

namespace asyncsvr::http {

// The /status document: every counter of server_stats, grouped, plus the process's RSS.
std::string status_json(const net::server_stats& stats);

// Resident set size of this process in bytes (0 where the platform does not say).
std::uint64_t resident_bytes();

}  // namespace asyncsvr::http
