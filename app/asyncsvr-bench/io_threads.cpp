#include "io_threads.hpp"

#include <algorithm>

namespace asyncsvr::bench {

io_threads::io_threads(unsigned count) {
  count = std::max(count, 1U);
  for (unsigned i = 0; i < count; ++i) {
    // A concurrency hint of 1 lets Asio skip the locking a multi-threaded context needs.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
    guards_.push_back(boost::asio::make_work_guard(*contexts_.back()));
  }
  for (auto& context : contexts_)
    threads_.emplace_back([&context] { context->run(); });
}

io_threads::~io_threads() {
  stop();
}

void io_threads::stop() {
  for (auto& context : contexts_)
    context->stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  guards_.clear();
}

void io_threads::drain() {
  for (auto& context : contexts_) {
    context->restart();
    context->poll();
  }
}

}  // namespace asyncsvr::bench
