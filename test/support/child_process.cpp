#include "child_process.hpp"

#include <cerrno>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace asyncsvr::test {

namespace {

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings)
    out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

child_process::child_process(const std::vector<std::string>& argv,
                             const std::vector<std::string>& extra_env,
                             const std::filesystem::path& output) {
  std::vector<std::string> args = argv;
  std::vector<std::string> env = extra_env;
  for (char** e = environ; *e != nullptr; ++e)
    env.emplace_back(*e);
  auto arg_pointers = pointers(args);
  auto env_pointers = pointers(env);
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  int error = 0;
  if (!output.empty()) {
    error = ::posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, output.c_str(),
                                               O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (error == 0)
      error = ::posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  }
  if (error == 0) {
    error = ::posix_spawn(&pid_, args.at(0).c_str(), &actions, nullptr, arg_pointers.data(),
                          env_pointers.data());
  }
  ::posix_spawn_file_actions_destroy(&actions);
  if (error != 0) throw std::system_error(error, std::generic_category(), "spawn " + args[0]);
}

child_process::~child_process() {
  if (reaped_) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status_, 0);
}

void child_process::signal(int signal_number) {
  if (!reaped_ && ::kill(pid_, signal_number) != 0) {
    throw std::system_error(errno, std::generic_category(), "kill");
  }
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    const pid_t done = ::waitpid(pid_, &status_, WNOHANG);
    if (done < 0) throw std::system_error(errno, std::generic_category(), "waitpid");
    if (done == pid_) {
      reaped_ = true;
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!WIFEXITED(status_)) return std::nullopt;
  return WEXITSTATUS(status_);
}

}  // namespace asyncsvr::test
