#pragma once
// One LogOutput subscriber's bounded queue (PROTOCOL.md §14.2). Logging threads offer lines and
// never wait for the consumer: a line that does not fit (log_output_queue lines or
// log_output_queue_bytes) is dropped and counted. The consumer is woken once when the queue
// goes from idle to non-empty, not once per line, and takes everything queued at once, together
// with how many lines were dropped after those: the gap, which it reports before the lines that
// come next.
//
// Thread-safety: offer() from any thread (the feed calls it under its own lock); take() from the
// consumer.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace asyncsvr::log {

struct subscriber_limits {
  std::size_t lines = 1024;
  std::size_t bytes = 1024 * 1024;
};

// What the consumer takes in one go.
struct log_batch {
  std::string text;  // lines, each ending in CR LF
  std::size_t lines = 0;
  std::uint64_t dropped_after = 0;  // lines lost after these (and before anything taken later)
};

class log_subscriber {
 public:
  // `wake` is called from a logging thread, outside the feed's lock; `count_drop` under it, once
  // per dropped line. Neither may log.
  log_subscriber(subscriber_limits limits, std::function<void()> wake,
                 std::function<void()> count_drop);

  // Queues one line (no line ending); returns true when the consumer must now be woken.
  bool offer(std::string_view line);
  void wake() const { wake_(); }

  // Replaces `batch` with everything queued (reusing its memory: the two buffers swap roles).
  // After a take that found nothing, the next offered line wakes the consumer again.
  void take(log_batch& batch);

 private:
  const subscriber_limits limits_;
  const std::function<void()> wake_;
  const std::function<void()> count_drop_;
  std::mutex mutex_;
  std::string text_;
  std::size_t lines_ = 0;
  std::uint64_t dropped_ = 0;
  bool woken_ = false;  // woken and not yet taken: further lines need no wake-up
};

}  // namespace asyncsvr::log
