#include "asyncsvr/net/io_pool.hpp"

#include "asyncsvr/log/log.hpp"

namespace asyncsvr::net {

namespace {
unsigned resolve_threads(unsigned requested) {
  if (requested != 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : hardware;
}

// With one I/O thread every socket operation happens on that thread: other threads (file
// workers, password checks) only post to strands. Asio's reactor then needs no lock around each
// descriptor's operations (two lock/unlock pairs per request saved); the scheduler and the
// reactor's registrations stay locked for those posts. Several threads keep all locking, and so
// does Windows, where IOCP takes the hint as its concurrency and has no such lock to save.
int concurrency_hint(unsigned threads) {
#if defined(_WIN32)
  return static_cast<int>(threads);
#else
  return threads == 1 ? BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO : static_cast<int>(threads);
#endif
}
}  // namespace

io_pool::io_pool(unsigned threads)
    : threads_count_(resolve_threads(threads)), io_(concurrency_hint(threads_count_)) {}

io_pool::~io_pool() {
  stop(true);
  join();
}

void io_pool::start(const std::function<void(std::size_t)>& on_thread_start) {
  work_.emplace(io_.get_executor());
  threads_.reserve(threads_count_);
  for (unsigned i = 0; i < threads_count_; ++i) {
    threads_.emplace_back([this, i, on_thread_start] {
      if (on_thread_start) on_thread_start(i);
      // A handler that throws is a bug; log it and keep the thread serving the others.
      for (;;) {
        try {
          io_.run();
          return;
        } catch (const std::exception& e) {
          LOG_ERROR(0) << "unhandled exception in an I/O handler: " << e.what();
        }
      }
    });
  }
}

void io_pool::stop(bool now) {
  work_.reset();
  if (now) io_.stop();
}

void io_pool::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

}  // namespace asyncsvr::net
