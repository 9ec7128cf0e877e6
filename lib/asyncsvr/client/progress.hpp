#pragma once
// A transfer_listener for people: a one-line progress bar — name, percentage, bytes, rate, time
// left — redrawn at most ten times a second, for a terminal; and a line for every reconnection,
// which is worth seeing in a log too.
//
// Thread-safety: none; called on the transfer's thread.

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "asyncsvr/client/transfer_listener.hpp"

namespace asyncsvr::client {

class progress_display : public transfer_listener {
 public:
  // Draws the bar only when `draw_bar` (the caller checks that `out` is a terminal).
  progress_display(std::ostream& out, std::string label, bool draw_bar);
  // Ends a bar line left open by a failed transfer, so that the error starts on its own line.
  ~progress_display() override;
  progress_display(const progress_display&) = delete;
  progress_display& operator=(const progress_display&) = delete;

  void started(std::uint64_t offset, std::uint64_t total) override;
  void advanced(std::uint64_t done) override;
  void retrying(const std::exception& why, unsigned attempt,
                std::chrono::milliseconds delay) override;
  // Draws the final state and ends the line.
  void finish();
  // Bytes that were already there when this run started: what an earlier run left.
  std::uint64_t resumed_from() const noexcept { return first_offset_; }

 private:
  using clock = std::chrono::steady_clock;
  void draw(clock::time_point now);
  void end_line();

  std::ostream& out_;
  std::string label_;
  bool draw_bar_;
  bool line_open_ = false;
  bool begun_ = false;
  std::uint64_t first_offset_ = 0;  // bytes that were there before this run; not in the rate
  std::uint64_t done_ = 0;
  std::uint64_t total_ = 0;
  clock::time_point start_{};
  clock::time_point last_draw_{};
};

// "812 B", "1.5 KiB", "3.0 MiB", "1.2 GiB".
std::string format_bytes(std::uint64_t bytes);

}  // namespace asyncsvr::client
