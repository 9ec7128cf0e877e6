#include "process_probe.hpp"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>

namespace asyncsvr::test {

namespace {

std::filesystem::path proc_dir(pid_t pid) {
  return pid == 0 ? std::filesystem::path("/proc/self")
                  : std::filesystem::path("/proc/" + std::to_string(pid));
}

}  // namespace

std::size_t open_descriptors(pid_t pid) {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator(proc_dir(pid) / "fd"),
                    std::filesystem::directory_iterator{}));
}

double cpu_seconds(pid_t pid) {
  std::ifstream in(proc_dir(pid) / "stat");
  std::string stat;
  if (!std::getline(in, stat)) throw std::runtime_error("cannot read /proc/PID/stat");
  // Fields after the command name, which is in parentheses and may itself hold spaces.
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string field;
  // state(3) … utime(14) stime(15), counted from 1 with pid and comm as fields 1 and 2.
  for (int i = 3; i < 14; ++i)
    fields >> field;
  unsigned long long user = 0;
  unsigned long long system = 0;
  if (!(fields >> user >> system)) throw std::runtime_error("malformed /proc/PID/stat: " + stat);
  return static_cast<double>(user + system) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

int close_wait_sockets(std::uint16_t port) {
  int count = 0;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state;
      fields >> slot >> local >> remote >> state;
      const auto colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      if (std::stoul(local.substr(colon + 1), nullptr, 16) == port && state == "08") ++count;
    }
  }
  return count;
}

}  // namespace asyncsvr::test
