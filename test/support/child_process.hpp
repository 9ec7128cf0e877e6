#pragma once
// The built server binary as a child process, for tests that need what an in-process server
// cannot give: a signal to the whole process, its exit status, its environment.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace asyncsvr::test {

class child_process {
 public:
  // Starts `argv[0]` with `argv`, in this process's environment plus `extra_env` ("NAME=value"),
  // with its stdout and stderr appended to `output` unless that is empty (then they are this
  // process's). Throws std::system_error when it cannot be started.
  explicit child_process(const std::vector<std::string>& argv,
                         const std::vector<std::string>& extra_env = {},
                         const std::filesystem::path& output = {});
  // Kills (SIGKILL) and reaps a child still running, so a failed test leaves no server behind.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const noexcept { return pid_; }
  void signal(int signal_number);
  // The exit code once the child exited normally within `timeout`; nothing when it is still
  // running then or died of a signal.
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  int status_ = 0;
};

}  // namespace asyncsvr::test
