#pragma once
// What framed and raw LogOutput sessions (PROTOCOL.md §14) share: a log_stream, woken from
// logging threads onto the session's strand, and pushes paced by the send queue (§8.2) — the
// next push is produced only while less than one push's worth is queued, so a slow reader costs
// its bounded log queue plus one push, and the rest of what it cannot take is dropped and
// counted there.
//
// Thread-safety: on the session's strand, except the wake function given to the stream.

#include <algorithm>
#include <memory>
#include <optional>
#include <string_view>

#include "asyncsvr/net/session.hpp"
#include "log_stream.hpp"

namespace asyncsvr::protocols {

// §14.2: at most 64 KiB of lines per Log push.
inline constexpr std::size_t max_log_push = 64 * 1024;

template <class Base>
class log_feed_session : public Base {
 public:
  using Base::Base;

 protected:
  void subscribe() {
    if (stream_) return;  // a repeated Login keeps the subscription it has
    std::weak_ptr<net::session> weak = this->shared_from_this();
    stream_.emplace(this->context().config, this->context().metrics.log_lines_dropped, [weak] {
      if (const auto self = weak.lock()) {
        auto* me = static_cast<log_feed_session*>(self.get());
        me->run_on_strand([me] { me->pump(); });
      }
    });
  }
  void unsubscribe() { stream_.reset(); }

  // One push each; called only while the session is open.
  virtual void send_lines(std::string_view lines, std::size_t count) = 0;
  virtual void send_gap(std::uint64_t dropped) = 0;
  // Whether the session may still receive the feed (a framed session that is no longer logged in
  // may not).
  virtual bool entitled() const { return true; }

  void on_write_progress() override {
    if (!held_back_ || pump_posted_) return;
    pump_posted_ = true;
    this->run_on_strand([this] {
      pump_posted_ = false;
      pump();
    });
  }
  void on_close() override { unsubscribe(); }

 private:
  void pump() {
    held_back_ = false;
    if (stream_ && !entitled()) unsubscribe();
    while (stream_ && !this->ending()) {
      if (this->bytes_queued() - this->bytes_written() >= max_log_push) {
        held_back_ = true;
        return;
      }
      const auto piece = stream_->next(push_limit());
      if (piece.empty()) return;
      if (piece.dropped != 0) {
        send_gap(piece.dropped);
      } else {
        send_lines(piece.lines, piece.count);
      }
    }
  }
  // A push also stays within the frame limit (§3.3), with room for its text. Lines are never
  // split, so a limit below 8 KiB (far below any sensible setting) may be exceeded by one line.
  std::size_t push_limit() const {
    constexpr std::size_t text_room = 64;
    const auto frame_limit = this->context().config.max_packet_size;
    return frame_limit > max_log_push + text_room
               ? max_log_push
               : static_cast<std::size_t>(frame_limit) -
                     std::min<std::size_t>(frame_limit, text_room);
  }

  std::optional<log_stream> stream_;
  bool held_back_ = false;    // the send queue held the last pump back
  bool pump_posted_ = false;  // a pump after write progress is on its way
};

}  // namespace asyncsvr::protocols
