#pragma once
// The generator's threads: one io_context per thread rather than one shared context, so that a
// connection's handlers always run on the same thread and need neither strands nor locks, and
// each thread can keep its own statistics.
//
// Thread-safety: context() may be called from any thread; stop() from one thread at a time.

#include <cstddef>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

namespace asyncsvr::bench {

class io_threads {
 public:
  explicit io_threads(unsigned count);
  ~io_threads();
  io_threads(const io_threads&) = delete;
  io_threads& operator=(const io_threads&) = delete;

  std::size_t size() const noexcept { return contexts_.size(); }
  // Round-robin: the context that connection `i` belongs to.
  boost::asio::io_context& context(std::size_t i) noexcept { return *contexts_[i % size()]; }

  // Stops every context and joins the threads; afterwards no handler runs, so sockets may be
  // closed from the calling thread. Idempotent.
  void stop();
  // After stop() and after closing the sockets: runs, on the calling thread, the handlers the
  // closes made ready (operation_aborted), so that no pending operation outlives the connection
  // whose handler memory it uses.
  void drain();

 private:
  using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<work_guard> guards_;
  std::vector<std::thread> threads_;
};

// The end of a run: stop the threads, close every connection, complete what the closes aborted.
// Connections must not start new operations once closed.
template <class Connection>
void shut_down(io_threads& threads, std::vector<std::unique_ptr<Connection>>& connections) {
  threads.stop();
  for (auto& connection : connections)
    connection->close();
  threads.drain();
}

}  // namespace asyncsvr::bench
