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
#include <vector>

namespace asyncsvr::bench {

// utime + stime of every thread of `pid`, from /proc/PID/stat; nullopt when it cannot be read.
std::optional<std::chrono::microseconds> process_cpu_time(pid_t pid);

// Where a process's resident memory is, in bytes: VmRSS and its split from /proc/PID/status,
// and the part of it in the brk heap (the [heap] mapping of /proc/PID/smaps). glibc serves only
// the main thread's arena from [heap]; other threads' arenas, large allocations and mmap-backed
// pools are anonymous mappings, so anon - heap is what the I/O threads' allocations mostly are.
struct process_memory {
  std::uint64_t rss = 0;
  std::uint64_t anon = 0;  // RssAnon
  std::uint64_t file = 0;  // RssFile: code and libraries
  std::uint64_t heap = 0;  // Rss of [heap]
};

// nullopt when /proc/PID/status cannot be read (heap stays 0 when smaps cannot).
std::optional<process_memory> read_process_memory(pid_t pid);

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
  // `helpers`: processes whose CPU counts as this process's own (the generator's children).
  explicit cpu_window(std::optional<pid_t> pid, std::vector<pid_t> helpers = {});
  struct result {
    double seconds = 0;          // wall time of the window
    double own_cpu_seconds = 0;  // this process and its helpers
    std::optional<double> server_cpu_seconds;
    // Busy time of everything else on the machine (other processes, hypervisor steal): what
    // disturbed the measurement. Known only with a server pid, whose share is subtracted.
    std::optional<double> other_cpu_seconds;
  };
  result finish() const;

 private:
  std::chrono::microseconds own_and_helpers() const;

  std::optional<pid_t> pid_;
  std::vector<pid_t> helpers_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::microseconds own_start_;
  std::optional<std::chrono::microseconds> server_start_;
  std::optional<std::chrono::microseconds> machine_start_;
};

}  // namespace asyncsvr::bench
