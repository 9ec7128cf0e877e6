#pragma once
// One io_context driven by N threads (IOCP on Windows, epoll on Linux).
//
// Thread-safety: start() and join() from the owning thread; stop() from any thread.

#include <cstddef>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace asyncsvr::net {

class io_pool {
 public:
  // threads = 0 picks one per hardware thread.
  explicit io_pool(unsigned threads);
  ~io_pool();
  io_pool(const io_pool&) = delete;
  io_pool& operator=(const io_pool&) = delete;

  boost::asio::io_context& context() noexcept { return io_; }
  unsigned size() const noexcept { return threads_count_; }

  // Starts the threads; each calls on_thread_start(index) before running handlers.
  void start(const std::function<void(std::size_t)>& on_thread_start);
  // Lets run() return once no work is left (graceful), or at once when `now` is true.
  void stop(bool now);
  void join();

 private:
  unsigned threads_count_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
};

}  // namespace asyncsvr::net
