#include "asyncsvr/descriptor_limit.hpp"

#include <cerrno>
#include <cstring>
#include <sys/resource.h>

#include "asyncsvr/log/log.hpp"

namespace asyncsvr::app {

namespace {
// Listeners, the status port, log and data files, the epoll and timer descriptors, and the
// spare the listener keeps to shed a peer when descriptors run out.
constexpr rlim_t descriptors_besides_connections = 64;
}  // namespace

void raise_descriptor_limit(std::uint64_t connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    LOG_WARN(0) << "cannot read the descriptor limit: " << std::strerror(errno);
    return;
  }
  if (limit.rlim_cur < limit.rlim_max) {
    const rlim_t before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      LOG_WARN(0) << "cannot raise the descriptor limit from " << before << ": "
                  << std::strerror(errno);
      limit.rlim_cur = before;
    }
  }
  const auto wanted = static_cast<rlim_t>(connections) + descriptors_besides_connections;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted) {
    LOG_WARN(0) << "the descriptor limit is " << limit.rlim_cur << ", fewer than max_connections ("
                << connections << ") needs; raise it (ulimit -n, LimitNOFILE=, limits.conf; "
                << "docs/BENCHMARKS.md \"Scaling on a real host\") or lower max_connections";
  }
}

}  // namespace asyncsvr::app
