#include "asyncsvr/log/log_feed.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "asyncsvr/log/log_line.hpp"

namespace asyncsvr::log {

namespace {

// The ring reuses its strings, so a record costs no allocation once every slot has held a line
// of its size.
struct feed_state {
  std::mutex mutex;
  std::vector<std::string> backlog;  // ring; capacity = backlog.size()
  std::size_t next = 0;              // slot the next line goes to
  std::size_t kept = 0;              // lines in the ring
  std::vector<std::shared_ptr<log_subscriber>> subscribers;
  std::atomic<bool> active{false};

  void update_active() {
    active.store(!backlog.empty() || !subscribers.empty(), std::memory_order_relaxed);
  }
  template <class Fn>
  void for_each_kept(Fn&& fn) const {
    if (kept == 0) return;
    const std::size_t first = (next + backlog.size() - kept) % backlog.size();
    for (std::size_t i = 0; i < kept; ++i)
      fn(backlog[(first + i) % backlog.size()]);
  }
};

feed_state& state() {
  static feed_state s;  // destroyed at exit, after the server joined its threads
  return s;
}

}  // namespace

void keep_backlog(std::size_t lines) {
  auto& s = state();
  std::lock_guard lock(s.mutex);
  std::vector<std::string> ring(lines);
  std::size_t kept = 0;
  // Keep the most recent lines that fit.
  const std::size_t skip = s.kept > lines ? s.kept - lines : 0;
  std::size_t index = 0;
  s.for_each_kept([&](const std::string& line) {
    if (index++ >= skip) ring[kept++] = line;
  });
  s.backlog = std::move(ring);
  s.kept = kept;
  s.next = lines == 0 ? 0 : kept % lines;
  s.update_active();
}

void subscribe(const std::shared_ptr<log_subscriber>& subscriber) {
  auto& s = state();
  bool wake = false;
  {
    std::lock_guard lock(s.mutex);
    s.for_each_kept([&](const std::string& line) { wake |= subscriber->offer(line); });
    s.subscribers.push_back(subscriber);
    s.update_active();
  }
  if (wake) subscriber->wake();
}

void unsubscribe(const log_subscriber* subscriber) {
  auto& s = state();
  std::shared_ptr<log_subscriber> removed;  // released outside the lock
  std::lock_guard lock(s.mutex);
  const auto it = std::find_if(s.subscribers.begin(), s.subscribers.end(),
                               [&](const auto& p) { return p.get() == subscriber; });
  if (it == s.subscribers.end()) return;
  removed = std::move(*it);
  s.subscribers.erase(it);
  s.update_active();
}

namespace detail {

bool feed_active() noexcept {
  return state().active.load(std::memory_order_relaxed);
}

void feed_publish(log_severity level, std::uint64_t session_id, std::string_view text) {
  auto& s = state();
  // Per thread: the line when there is no backlog slot to build it in, and the subscribers to
  // wake once the lock is released (waking may post to another thread's queue).
  thread_local std::string scratch;
  thread_local std::vector<std::shared_ptr<log_subscriber>> to_wake;
  {
    std::lock_guard lock(s.mutex);
    std::string& line = s.backlog.empty() ? scratch : s.backlog[s.next];
    format_line(line, level, session_id, std::chrono::system_clock::now(), text);
    if (!s.backlog.empty()) {
      s.next = (s.next + 1) % s.backlog.size();
      s.kept = std::min(s.kept + 1, s.backlog.size());
    }
    for (const auto& subscriber : s.subscribers) {
      if (subscriber->offer(line)) to_wake.push_back(subscriber);
    }
  }
  for (const auto& subscriber : to_wake)
    subscriber->wake();
  to_wake.clear();
}

}  // namespace detail

}  // namespace asyncsvr::log
