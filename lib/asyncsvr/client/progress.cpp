#include "asyncsvr/client/progress.hpp"

#include <array>
#include <cstdio>
#include <ostream>
#include <string>
#include <utility>

namespace asyncsvr::client {

namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr std::size_t max_label = 30;  // keeps the line within 80 columns

// "0:42", "12:05", "3:07:09".
std::string format_duration(double seconds) {
  const auto s = static_cast<unsigned long long>(seconds);
  std::array<char, 32> text{};
  if (s >= 3600) {
    std::snprintf(text.data(), text.size(), "%llu:%02llu:%02llu", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(text.data(), text.size(), "%llu:%02llu", s / 60, s % 60);
  }
  return text.data();
}

std::string shortened(std::string label) {
  if (label.size() > max_label) label = "..." + label.substr(label.size() - (max_label - 3));
  return label;
}

}  // namespace

std::string format_bytes(std::uint64_t bytes) {
  static constexpr std::array<const char*, 5> units{"KiB", "MiB", "GiB", "TiB", "PiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  auto value = static_cast<double>(bytes) / 1024;
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < units.size()) {
    value /= 1024;
    ++unit;
  }
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), "%.1f %s", value, units[unit]);
  return text.data();
}

progress_display::progress_display(std::ostream& out, std::string label, bool draw_bar)
    : out_(out), label_(shortened(std::move(label))), draw_bar_(draw_bar) {}

progress_display::~progress_display() {
  end_line();
}

void progress_display::started(std::uint64_t offset, std::uint64_t total) {
  if (!begun_) {
    begun_ = true;
    first_offset_ = offset;
    start_ = clock::now();
  }
  done_ = offset;
  total_ = total;
  draw(clock::now());
}

void progress_display::advanced(std::uint64_t done) {
  done_ = done;
  const auto now = clock::now();
  if (now - last_draw_ >= redraw_interval) draw(now);
}

void progress_display::retrying(const std::exception& why, unsigned attempt,
                                std::chrono::milliseconds delay) {
  end_line();
  out_ << label_ << ": connection lost (" << why.what() << "); attempt " << attempt << " in "
       << static_cast<double>(delay.count()) / 1000 << " s\n";
}

void progress_display::finish() {
  draw(clock::now());
  end_line();
}

void progress_display::draw(clock::time_point now) {
  if (!draw_bar_) return;
  last_draw_ = now;
  const double seconds = std::chrono::duration<double>(now - start_).count();
  const double moved = static_cast<double>(done_ > first_offset_ ? done_ - first_offset_ : 0);
  const double rate = seconds > 0 ? moved / seconds : 0;
  const int percent = total_ == 0 ? 100 : static_cast<int>(100.0 * done_ / total_);

  std::string line = "\r" + label_ + "  " + std::to_string(percent) + "%  " + format_bytes(done_) +
                     " / " + format_bytes(total_);
  if (rate > 0) {
    line += "  " + format_bytes(static_cast<std::uint64_t>(rate)) + "/s";
    if (done_ < total_) line += "  ETA " + format_duration((total_ - done_) / rate);
  }
  line += "\x1b[K";  // clear what a longer earlier line left behind
  out_ << line << std::flush;
  line_open_ = true;
}

void progress_display::end_line() {
  if (!line_open_) return;
  out_ << '\n' << std::flush;
  line_open_ = false;
}

}  // namespace asyncsvr::client
