#include "asyncsvr/windows_service.hpp"

#include <condition_variable>
#include <iostream>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <windows.h>

namespace asyncsvr::app::windows_service {

namespace {

// The SCM calls service_main and the control handler with no context of ours, so what they need
// lives here, set once by run_service() before the dispatcher starts.
struct service_state {
  const hooks* server = nullptr;
  SERVICE_STATUS_HANDLE handle = nullptr;
  std::mutex mutex;
  SERVICE_STATUS status{};
  bool stopping = false;
  bool stopped = false;
  std::condition_variable stopped_changed;
};
service_state state;

std::string last_error_text(const char* what) {
  return std::string(what) + ": " +
         std::system_category().message(static_cast<int>(GetLastError()));
}

// Callers hold state.mutex.
void report(DWORD current_state, DWORD exit_code = NO_ERROR, DWORD wait_hint_ms = 0) {
  auto& s = state.status;
  s.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  s.dwCurrentState = current_state;
  s.dwControlsAccepted =
      current_state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  s.dwWin32ExitCode = exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  s.dwServiceSpecificExitCode = exit_code;
  s.dwWaitHint = wait_hint_ms;
  // The checkpoint must advance while a pending state lasts, or the SCM deems the service hung.
  s.dwCheckPoint = (current_state == SERVICE_RUNNING || current_state == SERVICE_STOPPED)
                       ? 0
                       : s.dwCheckPoint + 1;
  if (!SetServiceStatus(state.handle, &s)) {
    // Nobody to tell but the event the SCM logs when the status stops coming.
    std::cerr << last_error_text("SetServiceStatus") << '\n';
  }
}

DWORD wait_hint_ms() {
  return static_cast<DWORD>(state.server->stop_wait_hint.count());
}

// Keeps STOP_PENDING alive with an advancing checkpoint until the server has stopped.
void report_stop_progress() {
  std::unique_lock lock(state.mutex);
  const auto interval = std::chrono::milliseconds(wait_hint_ms() / 4 + 100);
  while (!state.stopped_changed.wait_for(lock, interval, [] { return state.stopped; })) {
    report(SERVICE_STOP_PENDING, NO_ERROR, wait_hint_ms());
  }
}

DWORD WINAPI control_handler(DWORD control, DWORD, LPVOID, LPVOID) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN: {
      {
        std::lock_guard lock(state.mutex);
        if (state.stopping) return NO_ERROR;
        state.stopping = true;
        report(SERVICE_STOP_PENDING, NO_ERROR, wait_hint_ms());
      }
      state.server->stop();
      std::thread(report_stop_progress).detach();
      return NO_ERROR;
    }
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD, LPWSTR*) {
  state.handle = RegisterServiceCtrlHandlerExW(service_name, control_handler, nullptr);
  if (state.handle == nullptr) {
    std::cerr << last_error_text("RegisterServiceCtrlHandlerEx") << '\n';
    return;
  }
  {
    std::lock_guard lock(state.mutex);
    report(SERVICE_START_PENDING, NO_ERROR, 30'000);
  }
  const int exit_code = state.server->run([] {
    std::lock_guard lock(state.mutex);
    if (!state.stopping) report(SERVICE_RUNNING);
  });
  std::lock_guard lock(state.mutex);
  state.stopped = true;
  state.stopped_changed.notify_all();
  report(SERVICE_STOPPED, static_cast<DWORD>(exit_code));
}

// Closes an SCM handle on every path out.
struct sc_handle {
  SC_HANDLE handle;
  ~sc_handle() {
    if (handle != nullptr) CloseServiceHandle(handle);
  }
};

int fail(const char* what) {
  std::cerr << "asyncsvr: " << last_error_text(what) << '\n';
  return 1;
}

}  // namespace

int run_service(const hooks& server) {
  state.server = &server;
  SERVICE_TABLE_ENTRYW table[] = {{const_cast<LPWSTR>(service_name), service_main},
                                  {nullptr, nullptr}};
  if (!StartServiceCtrlDispatcherW(table)) return fail("StartServiceCtrlDispatcher");
  std::lock_guard lock(state.mutex);
  return static_cast<int>(state.status.dwServiceSpecificExitCode);
}

int install_service(const std::optional<std::filesystem::path>& config_file) {
  std::wstring binary(MAX_PATH, L'\0');
  for (;;) {
    const DWORD length =
        GetModuleFileNameW(nullptr, binary.data(), static_cast<DWORD>(binary.size()));
    if (length == 0) return fail("GetModuleFileName");
    if (length < binary.size()) {
      binary.resize(length);
      break;
    }
    binary.resize(binary.size() * 2);
  }
  std::wstring command = L"\"" + binary + L"\" --service";
  if (config_file) {
    command += L" --config \"" + std::filesystem::absolute(*config_file).wstring() + L"\"";
  }
  const sc_handle manager{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE)};
  if (manager.handle == nullptr) return fail("OpenSCManager");
  const sc_handle service{CreateServiceW(manager.handle, service_name, L"asyncsvr TCP server",
                                         SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS,
                                         SERVICE_AUTO_START, SERVICE_ERROR_NORMAL, command.c_str(),
                                         nullptr, nullptr, nullptr, nullptr, nullptr)};
  if (service.handle == nullptr) return fail("CreateService");
  std::wcout << L"installed service asyncsvr: " << command << L'\n';
  return 0;
}

int uninstall_service() {
  const sc_handle manager{OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT)};
  if (manager.handle == nullptr) return fail("OpenSCManager");
  const sc_handle service{OpenServiceW(manager.handle, service_name, SERVICE_STOP | DELETE)};
  if (service.handle == nullptr) return fail("OpenService");
  SERVICE_STATUS status{};
  // A stopped service answers ERROR_SERVICE_NOT_ACTIVE, which is what we want anyway.
  if (!ControlService(service.handle, SERVICE_CONTROL_STOP, &status) &&
      GetLastError() != ERROR_SERVICE_NOT_ACTIVE) {
    return fail("ControlService(STOP)");
  }
  // The SCM removes the service once it has stopped and every handle to it is closed.
  if (!DeleteService(service.handle)) return fail("DeleteService");
  std::cout << "removed service asyncsvr\n";
  return 0;
}

}  // namespace asyncsvr::app::windows_service
