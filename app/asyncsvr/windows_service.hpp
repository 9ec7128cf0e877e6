#pragma once
// Windows only: asyncsvr as a service of the Service Control Manager.
//
//   asyncsvr --install-service [--config FILE]   registers this binary (auto start) to run as
//                                                `asyncsvr --service [--config FILE]`
//   asyncsvr --uninstall-service                 stops the service and removes it
//   asyncsvr --service ...                       what the SCM runs; not for a console
//
// The interface is two functions and plain types, so that this file needs neither Boost nor the
// server and can be syntax-checked with a MinGW cross compiler on Linux (scripts/check-windows.sh).
//
// Thread-safety: run_service() once per process, from main.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>

namespace asyncsvr::app::windows_service {

inline constexpr const wchar_t* service_name = L"asyncsvr";

struct hooks {
  // Runs the server until it stops; calls `ready` once the listeners are bound. Returns the exit
  // code.
  std::function<int(const std::function<void()>& ready)> run;
  // Begins a graceful stop; may be called from any thread.
  std::function<void()> stop;
  // How long a graceful stop may take (shutdown_timeout plus a margin): the SCM's wait hint.
  std::chrono::milliseconds stop_wait_hint;
};

// Connects to the SCM and runs `server` as the service; returns when the service has stopped, with
// the server's exit code, or 1 when the process was not started by the SCM.
int run_service(const hooks& server);

// Register and remove the service. Return 0, or print the failure to stderr and return 1.
int install_service(const std::optional<std::filesystem::path>& config_file);
int uninstall_service();

}  // namespace asyncsvr::app::windows_service
