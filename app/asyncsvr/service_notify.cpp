#include "asyncsvr/service_notify.hpp"

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "asyncsvr/log/log.hpp"

namespace asyncsvr::app {

namespace {

// Closes the descriptor on every path out of notify_service_manager().
struct socket_fd {
  int fd;
  ~socket_fd() {
    if (fd >= 0) ::close(fd);
  }
};

// $NOTIFY_SOCKET as a socket address: a path, or with a leading '@' a name in the abstract
// namespace (sd_notify(3)). False when the value cannot be one.
bool notify_address(std::string_view name, sockaddr_un& address, socklen_t& length) {
  address = {};
  address.sun_family = AF_UNIX;
  if (name.empty() || name.size() >= sizeof(address.sun_path)) return false;
  if (name[0] != '/' && name[0] != '@') return false;
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') address.sun_path[0] = '\0';
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  return true;
}

}  // namespace

void notify_service_manager(std::string_view state) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  if (name == nullptr) return;
  sockaddr_un address;
  socklen_t length = 0;
  if (!notify_address(name, address, length)) {
    LOG_WARN(0) << "NOTIFY_SOCKET=" << name << " is not a unix socket address; systemd not told "
                << state;
    return;
  }
  const socket_fd sender{::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (sender.fd < 0 || ::sendto(sender.fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length) < 0) {
    LOG_WARN(0) << "could not tell systemd " << state << ": " << std::strerror(errno);
  }
}

void notify_reloading() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const auto usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1'000;
  notify_service_manager("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

service_watchdog::service_watchdog(boost::asio::io_context& io) : timer_(io) {
  const char* usec = std::getenv("WATCHDOG_USEC");
  if (usec == nullptr) return;
  // WATCHDOG_PID names the process the watchdog is meant for; a child inheriting it is not.
  if (const char* pid = std::getenv("WATCHDOG_PID");
      pid != nullptr && std::strtoll(pid, nullptr, 10) != ::getpid()) {
    return;
  }
  const long long value = std::strtoll(usec, nullptr, 10);
  if (value <= 0) {
    LOG_WARN(0) << "WATCHDOG_USEC=" << usec << " is not a positive number; no watchdog pings";
    return;
  }
  period_ = std::chrono::microseconds(value / 2);
  LOG_INFO(0) << "systemd watchdog: pinging every " << period_.count() / 1000 << " ms";
  schedule();
}

service_watchdog::~service_watchdog() {
  timer_.cancel();
}

void service_watchdog::schedule() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    // Cancelled means this object is going away: touch nothing of it.
    if (ec) return;
    notify_service_manager("WATCHDOG=1");
    schedule();
  });
}

}  // namespace asyncsvr::app
