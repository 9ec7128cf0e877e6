#include "asyncsvr/net/unsent_bytes.hpp"

#if defined(__linux__)
#include <linux/sockios.h>
#include <sys/ioctl.h>
#endif

namespace asyncsvr::net {

std::optional<std::size_t> unsent_bytes([[maybe_unused]] int native_socket) noexcept {
#if defined(__linux__)
  int queued = 0;
  if (::ioctl(native_socket, SIOCOUTQ, &queued) == 0 && queued >= 0) {
    return static_cast<std::size_t>(queued);
  }
#endif
  return std::nullopt;
}

}  // namespace asyncsvr::net
