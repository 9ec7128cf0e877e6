#pragma once
// What the operating system says about this process, for /status and /metrics.

#include <cstdint>

namespace asyncsvr::http {

struct process_stats {
  std::uint64_t resident_bytes = 0;  // 0 where the platform does not say
  std::uint64_t open_files = 0;      // descriptors open, sockets included, as of at most 1 s
                                     // ago; 0 where unknown
};

process_stats read_process_stats();

}  // namespace asyncsvr::http
