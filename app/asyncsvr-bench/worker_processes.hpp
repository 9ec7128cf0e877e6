#pragma once
// Child processes of the load generator, for runs that need more descriptors than one process may
// open (RLIMIT_NOFILE's hard limit is per process): each child holds part of the load and reports
// to the parent over a pipe; the parent keeps the measurement (server RSS and CPU) to itself.
//
// A child finishes when the parent releases it — by closing its end of the child's release
// pipe, which also happens when the parent dies, so no child outlives a killed parent.
// Messages are trivially copyable structs sent as raw bytes: both ends are the same binary.
//
// Thread-safety: none. Construct before the process starts any thread (fork copies only the
// calling thread).

#include <chrono>
#include <cstddef>
#include <functional>
#include <sys/types.h>
#include <type_traits>
#include <vector>

namespace asyncsvr::bench {

// A child's end of its pipes.
class worker_channel {
 public:
  worker_channel(int report_fd, int release_fd) : report_fd_(report_fd), release_fd_(release_fd) {}

  template <class Message>
  void send(const Message& message) {
    static_assert(std::is_trivially_copyable_v<Message>);
    send_bytes(&message, sizeof message);
  }
  // Blocks until the parent releases this child or exits.
  void wait_released();

 private:
  void send_bytes(const void* data, std::size_t size);

  int report_fd_;
  int release_fd_;
};

class worker_processes {
 public:
  using clock = std::chrono::steady_clock;
  // The child's work; its return value is the child's exit status.
  using body = std::function<int(std::size_t index, worker_channel& channel)>;

  // Forks `count` children; child k runs body(k, …) and exits without returning here.
  worker_processes(std::size_t count, const body& work);
  // Kills the children that were not joined, then reaps every one.
  ~worker_processes();
  worker_processes(const worker_processes&) = delete;
  worker_processes& operator=(const worker_processes&) = delete;

  std::size_t size() const noexcept { return children_.size(); }
  std::vector<pid_t> pids() const;

  // The next message of child k; throws std::runtime_error when the child ended first or the
  // deadline passed.
  template <class Message>
  Message receive(std::size_t k, clock::time_point deadline) {
    static_assert(std::is_trivially_copyable_v<Message>);
    Message message;
    receive_bytes(k, &message, sizeof message, deadline);
    return message;
  }

  // Releases every child at once.
  void release_all();
  // Waits for every child to exit; true when all exited with status 0.
  bool join();

 private:
  struct child {
    pid_t pid = -1;
    int report_fd = -1;   // parent reads
    int release_fd = -1;  // parent holds; closing it releases the child
    bool reaped = false;
  };

  void receive_bytes(std::size_t k, void* data, std::size_t size, clock::time_point deadline);

  std::vector<child> children_;
};

}  // namespace asyncsvr::bench
