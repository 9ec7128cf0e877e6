#include "asyncsvr/http/process_stats.hpp"

#include <cerrno>
#include <chrono>
#include <dirent.h>
#include <fstream>
#include <mutex>
#include <unistd.h>

namespace asyncsvr::http {

namespace {

std::uint64_t resident_bytes() {
  // /proc/self/statm: size resident shared text lib data dt, in pages.
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0;
  std::uint64_t resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

std::uint64_t count_open_files() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return 0;
  std::uint64_t count = 0;
  errno = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  const bool failed = errno != 0;  // a partial count would mislead
  ::closedir(dir);
  // The listing's own descriptor is among the entries.
  return failed || count == 0 ? 0 : count - 1;
}

std::uint64_t open_files() {
  // Listing /proc/self/fd takes time in proportion to the descriptors, tens of thousands on a
  // busy server, and /status may be polled many times a second: count at most once a second.
  static std::mutex mutex;
  static std::chrono::steady_clock::time_point next;
  static std::uint64_t count = 0;
  const std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (now >= next) {
    count = count_open_files();
    next = now + std::chrono::seconds(1);
  }
  return count;
}

}  // namespace

process_stats read_process_stats() {
  return {resident_bytes(), open_files()};
}

}  // namespace asyncsvr::http
