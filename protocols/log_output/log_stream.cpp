#include "log_stream.hpp"

#include <algorithm>
#include <utility>

#include "asyncsvr/log/log_feed.hpp"

namespace asyncsvr::protocols {

log_stream::log_stream(const server_config& config, net::counter& dropped,
                       std::function<void()> wake)
    : subscriber_(std::make_shared<log::log_subscriber>(
          log::subscriber_limits{config.log_output_queue,
                                 static_cast<std::size_t>(config.log_output_queue_bytes)},
          std::move(wake), [&dropped] { dropped.add(); })) {
  log::subscribe(subscriber_);
}

log_stream::~log_stream() {
  log::unsubscribe(subscriber_.get());
}

log_stream::piece log_stream::next(std::size_t max_bytes) {
  if (sent_ == batch_.text.size()) {
    // A gap comes after the lines taken with it and before anything taken later.
    if (batch_.dropped_after != 0) return {{}, 0, std::exchange(batch_.dropped_after, 0)};
    subscriber_->take(batch_);
    sent_ = 0;
    if (batch_.text.empty()) return {{}, 0, std::exchange(batch_.dropped_after, 0)};
  }
  const std::string_view rest = std::string_view(batch_.text).substr(sent_);
  // Whole lines only; the first one goes even if it alone is larger than max_bytes.
  std::size_t size = rest.size();
  if (size > max_bytes) {
    const auto last = max_bytes == 0 ? std::string_view::npos : rest.rfind('\n', max_bytes - 1);
    size = (last == std::string_view::npos ? rest.find('\n') : last) + 1;
  }
  const auto lines = rest.substr(0, size);
  sent_ += size;
  // Sanitised lines hold no LF of their own: each one is a line ending.
  return {lines, static_cast<std::size_t>(std::count(lines.begin(), lines.end(), '\n')), 0};
}

}  // namespace asyncsvr::protocols
