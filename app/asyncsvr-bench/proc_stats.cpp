#include "proc_stats.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>
#include <sys/resource.h>
#include <unistd.h>
#include <utility>

namespace asyncsvr::bench {

namespace {

std::chrono::microseconds to_microseconds(const timeval& tv) {
  return std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec);
}

}  // namespace

std::optional<std::chrono::microseconds> process_cpu_time(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces, so count fields from the
  // last ')': state is field 3, utime and stime are fields 14 and 15.
  const auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 1));
  std::string skip;
  for (int field = 3; field < 14; ++field)
    fields >> skip;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  if (!(fields >> utime >> stime)) return std::nullopt;
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return std::nullopt;
  return std::chrono::microseconds((utime + stime) * 1'000'000ULL /
                                   static_cast<unsigned long long>(ticks_per_second));
}

std::optional<process_memory> read_process_memory(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream status(dir + "/status");
  process_memory m;
  bool found = false;
  // "Name:  value kB"; the fields wanted and where their values go.
  const std::pair<std::string_view, std::uint64_t*> fields[] = {
      {"VmRSS:", &m.rss}, {"RssAnon:", &m.anon}, {"RssFile:", &m.file}};
  std::string line;
  while (std::getline(status, line)) {
    for (const auto& [name, value] : fields) {
      if (!line.starts_with(name)) continue;
      std::istringstream(line.substr(name.size())) >> *value;
      *value *= 1024;
      found = found || value == &m.rss;
    }
  }
  if (!found) return std::nullopt;
  // smaps lists each mapping's header line, then its fields; the first Rss after [heap] is it.
  std::ifstream smaps(dir + "/smaps");
  bool in_heap = false;
  while (std::getline(smaps, line)) {
    if (line.ends_with("[heap]")) {
      in_heap = true;
    } else if (in_heap && line.starts_with("Rss:")) {
      std::istringstream(line.substr(4)) >> m.heap;
      m.heap *= 1024;
      break;
    }
  }
  return m;
}

std::optional<std::chrono::microseconds> machine_busy_time() {
  std::ifstream in("/proc/stat");
  std::string label;
  // cpu  user nice system idle iowait irq softirq steal (guest time is already inside user)
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  if (!(in >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      label != "cpu") {
    return std::nullopt;
  }
  const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return std::nullopt;
  const auto busy = user + nice + system + irq + softirq + steal;
  return std::chrono::microseconds(busy * 1'000'000ULL /
                                   static_cast<unsigned long long>(ticks_per_second));
}

std::chrono::microseconds own_cpu_time() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return to_microseconds(usage.ru_utime) + to_microseconds(usage.ru_stime);
}

std::uint64_t raise_fd_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    ::getrlimit(RLIMIT_NOFILE, &limit);
  }
  return limit.rlim_cur;
}

cpu_window::cpu_window(std::optional<pid_t> pid, std::vector<pid_t> helpers)
    : pid_(pid),
      helpers_(std::move(helpers)),
      start_(std::chrono::steady_clock::now()),
      own_start_(own_and_helpers()),
      server_start_(pid ? process_cpu_time(*pid) : std::nullopt),
      machine_start_(machine_busy_time()) {}

cpu_window::result cpu_window::finish() const {
  using seconds = std::chrono::duration<double>;
  result r;
  const auto server_end = pid_ ? process_cpu_time(*pid_) : std::nullopt;
  const auto machine_end = machine_busy_time();
  r.seconds = seconds(std::chrono::steady_clock::now() - start_).count();
  r.own_cpu_seconds = seconds(own_and_helpers() - own_start_).count();
  if (server_start_ && server_end)
    r.server_cpu_seconds = seconds(*server_end - *server_start_).count();
  if (r.server_cpu_seconds && machine_start_ && machine_end) {
    const double machine = seconds(*machine_end - *machine_start_).count();
    // Tick-granular accounting can make the difference slightly negative on a quiet machine.
    r.other_cpu_seconds = std::max(0.0, machine - *r.server_cpu_seconds - r.own_cpu_seconds);
  }
  return r;
}

std::chrono::microseconds cpu_window::own_and_helpers() const {
  auto total = own_cpu_time();
  for (const pid_t helper : helpers_)
    total += process_cpu_time(helper).value_or(std::chrono::microseconds(0));
  return total;
}

}  // namespace asyncsvr::bench
