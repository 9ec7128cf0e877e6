#pragma once
// A session's end of the log feed, shared by framed and raw LogOutput (PROTOCOL.md §14): it
// subscribes with the §14.2 bounds and hands out what to send next — whole lines up to a size,
// or the gap (lines dropped) at the point where it happened.
//
// Thread-safety: construction, next() and destruction on the session's strand; the wake
// function runs on logging threads.

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "asyncsvr/config/server_config.hpp"
#include "asyncsvr/log/log_subscriber.hpp"
#include "asyncsvr/net/counter.hpp"

namespace asyncsvr::protocols {

class log_stream {
 public:
  // Subscribes at once: the backlog is queued, then live lines follow. `wake` must not log and
  // must not block.
  log_stream(const server_config& config, net::counter& dropped, std::function<void()> wake);
  ~log_stream();
  log_stream(const log_stream&) = delete;
  log_stream& operator=(const log_stream&) = delete;

  struct piece {
    std::string_view lines;  // whole lines, each ending in CR LF; empty for a gap or nothing
    std::size_t count = 0;   // lines in `lines`
    std::uint64_t dropped = 0;
    bool empty() const noexcept { return count == 0 && dropped == 0; }
  };
  // The next thing to send: at most `max_bytes` of lines, or a gap; empty when nothing is queued.
  // The view is valid until the next call.
  piece next(std::size_t max_bytes);

 private:
  std::shared_ptr<log::log_subscriber> subscriber_;
  log::log_batch batch_;
  std::size_t sent_ = 0;  // bytes of batch_.text already handed out
};

}  // namespace asyncsvr::protocols
