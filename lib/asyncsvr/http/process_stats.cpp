#include "asyncsvr/http/process_stats.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>
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

std::uint64_t open_files() {
  // Counting entries costs one getdents per 1,000 or so descriptors; the iterator's own
  // descriptor is among them, so it is not counted.
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return 0;
  std::uint64_t count = 0;
  for (const std::filesystem::directory_iterator end; it != end; it.increment(ec))
    ++count;
  if (ec) return 0;  // a failed step ends the iteration early; a partial count would mislead
  return count > 0 ? count - 1 : 0;
}

}  // namespace

process_stats read_process_stats() {
  return {resident_bytes(), open_files()};
}

}  // namespace asyncsvr::http
