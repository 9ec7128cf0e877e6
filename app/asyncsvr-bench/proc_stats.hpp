#pragma once
// What the load generator reads about processes from /proc and getrusage: the server's CPU time
// and resident memory (to express its cost per request and per connection) and its own CPU time
// (to tell when the generator rather than the server is the bottleneck).
//
// Thread-safety: every function may be called from any thread.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

namespace asyncsvr::bench {

// utime + stime of every thread of `pid`, from /proc/PID/stat; nullopt when it cannot be read.
std::optional<std::chrono::microseconds> process_cpu_time(pid_t pid);

// VmRSS of `pid`, from /proc/PID/status; nullopt when it cannot be read.
std::optional<std::uint64_t> process_rss_bytes(pid_t pid);

// CPU time the whole machine has spent busy so far (every CPU, every process, interrupts and
// time stolen by a hypervisor), from the first line of /proc/stat; nullopt when unreadable.
std::optional<std::chrono::microseconds> machine_busy_time();

// User + system CPU time of this process so far.
std::chrono::microseconds own_cpu_time();

// Raises the soft RLIMIT_NOFILE to the hard limit and returns the limit now in force.
std::uint64_t raise_fd_limit();

// CPU time of this process, of the server and of the rest of the machine over an interval
// that starts at construction.
class cpu_window {
 public:
  explicit cpu_window(std::optional<pid_t> pid);
  struct result {
    double seconds = 0;          // wall time of the window
    double own_cpu_seconds = 0;  // this process
    std::optional<double> server_cpu_seconds;
    // Busy time of everything else on the machine (other processes, hypervisor steal): what
    // disturbed the measurement. Known only with a server pid, whose share is subtracted.
    std::optional<double> other_cpu_seconds;
  };
  result finish() const;

 private:
  std::optional<pid_t> pid_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::microseconds own_start_;
  std::optional<std::chrono::microseconds> server_start_;
  std::optional<std::chrono::microseconds> machine_start_;
};

}  // namespace asyncsvr::bench
