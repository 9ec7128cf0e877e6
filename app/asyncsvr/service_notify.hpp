#pragma once
// Tells systemd (a Type=notify unit) where the server is in its life: READY=1 once the listeners
// are bound, RELOADING=1 and READY=1 around a users-file reload, STOPPING=1 when a stop begins,
// and WATCHDOG=1 for as long as the I/O threads keep running handlers. Outside systemd (no
// NOTIFY_SOCKET in the environment) every call does nothing.
//
// Not libsystemd's sd_notify: the protocol is one datagram to the unix socket named by
// $NOTIFY_SOCKET, documented as stable in sd_notify(3). Speaking it here takes a few lines and
// spares an optional build dependency, with the compiled-out variant it would need.
//
// Thread-safety: notify_service_manager() from any thread; a service_watchdog is created and
// destroyed on one thread.

#include <chrono>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace asyncsvr::app {

// Sends `state` ("READY=1", "STOPPING=1", ...) to the service manager. A failure is logged as a
// warning, never thrown: the server serves on whether or not systemd heard it.
void notify_service_manager(std::string_view state);

// "RELOADING=1" with the MONOTONIC_USEC stamp that systemd 253 and later require with it.
void notify_reloading();

// Sends WATCHDOG=1 every half of $WATCHDOG_USEC from a timer on `io`, when systemd asked this
// process for a watchdog. Since the timer's handler runs on an I/O thread, pings stop when every
// I/O thread is stuck, and systemd restarts the service.
class service_watchdog {
 public:
  explicit service_watchdog(boost::asio::io_context& io);
  ~service_watchdog();
  service_watchdog(const service_watchdog&) = delete;
  service_watchdog& operator=(const service_watchdog&) = delete;

 private:
  void schedule();

  boost::asio::steady_timer timer_;
  std::chrono::microseconds period_{0};
};

}  // namespace asyncsvr::app
