#include "worker_processes.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace asyncsvr::bench {

namespace {

std::runtime_error system_error(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

}  // namespace

void worker_channel::send_bytes(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const auto n = ::write(report_fd_, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw system_error("report to the parent process");
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
}

void worker_channel::wait_released() {
  char byte;
  // The parent never writes: end of file is the release (or the parent's death).
  while (::read(release_fd_, &byte, 1) < 0 && errno == EINTR) {
  }
}

worker_processes::worker_processes(std::size_t count, const body& work) {
  for (std::size_t k = 0; k < count; ++k) {
    int report[2];
    int release[2];
    if (::pipe2(report, O_CLOEXEC) != 0) throw system_error("pipe");
    if (::pipe2(release, O_CLOEXEC) != 0) {
      ::close(report[0]);
      ::close(report[1]);
      throw system_error("pipe");
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      for (int fd : {report[0], report[1], release[0], release[1]})
        ::close(fd);
      throw system_error("fork");
    }
    if (pid == 0) {
      // A child holding another child's release pipe would keep that one from ever seeing its
      // release, so it keeps only its own ends.
      for (auto& other : children_) {
        close_fd(other.report_fd);
        close_fd(other.release_fd);
      }
      ::close(report[0]);
      ::close(release[1]);
      worker_channel channel(report[1], release[0]);
      int status = 1;
      try {
        status = work(k, channel);
      } catch (const std::exception& e) {
        std::cerr << "asyncsvr-bench: generator process " << k << ": " << e.what() << "\n";
      }
      // Not exit(): the parent's objects and atexit handlers are the parent's business.
      ::_exit(status);
    }
    ::close(report[1]);
    ::close(release[0]);
    children_.push_back({pid, report[0], release[1]});
  }
}

worker_processes::~worker_processes() {
  release_all();
  for (auto& c : children_) {
    if (!c.reaped) {
      ::kill(c.pid, SIGKILL);
      ::waitpid(c.pid, nullptr, 0);
    }
    close_fd(c.report_fd);
  }
}

std::vector<pid_t> worker_processes::pids() const {
  std::vector<pid_t> pids;
  for (const auto& c : children_)
    pids.push_back(c.pid);
  return pids;
}

void worker_processes::receive_bytes(std::size_t k, void* data, std::size_t size,
                                     clock::time_point deadline) {
  auto* bytes = static_cast<char*>(data);
  const int fd = children_.at(k).report_fd;
  while (size > 0) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - clock::now());
    pollfd p{fd, POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw system_error("poll");
    if (ready == 0)
      throw std::runtime_error("generator process " + std::to_string(k) +
                               " did not report in time");
    const auto n = ::read(fd, bytes, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("generator process " + std::to_string(k) + " ended early");
    bytes += n;
    size -= static_cast<std::size_t>(n);
  }
}

void worker_processes::release_all() {
  for (auto& c : children_)
    close_fd(c.release_fd);
}

bool worker_processes::join() {
  release_all();
  bool all_ok = true;
  for (auto& c : children_) {
    if (c.reaped) continue;
    int status = 0;
    while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
    }
    c.reaped = true;
    all_ok = all_ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  return all_ok;
}

}  // namespace asyncsvr::bench
