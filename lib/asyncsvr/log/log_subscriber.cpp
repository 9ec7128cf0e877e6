#include "asyncsvr/log/log_subscriber.hpp"

#include <utility>

namespace asyncsvr::log {

namespace {
constexpr std::string_view line_end = "\r\n";
}

log_subscriber::log_subscriber(subscriber_limits limits, std::function<void()> wake,
                               std::function<void()> count_drop)
    : limits_(limits), wake_(std::move(wake)), count_drop_(std::move(count_drop)) {}

bool log_subscriber::offer(std::string_view line) {
  std::lock_guard lock(mutex_);
  // Once a line was dropped, every line is until the consumer takes the queue: the gap must stay
  // behind everything queued, or a short line squeezing in would be reported before it.
  if (dropped_ != 0 || lines_ + 1 > limits_.lines ||
      text_.size() + line.size() + line_end.size() > limits_.bytes) {
    ++dropped_;
    count_drop_();
  } else {
    text_.append(line);
    text_.append(line_end);
    ++lines_;
  }
  // A drop wakes too: with nothing queued, the gap alone is news for the consumer.
  return !std::exchange(woken_, true);
}

void log_subscriber::take(log_batch& batch) {
  batch.text.clear();
  std::lock_guard lock(mutex_);
  batch.text.swap(text_);
  batch.lines = std::exchange(lines_, 0);
  batch.dropped_after = std::exchange(dropped_, 0);
  woken_ = batch.lines != 0 || batch.dropped_after != 0;
}

}  // namespace asyncsvr::log
