#include "asyncsvr/net/deadline_wheel.hpp"

#include <algorithm>

#include <boost/asio/error.hpp>

namespace asyncsvr::net {

deadline_wheel::deadline_wheel(boost::asio::io_context& io) : timer_(io) {}

std::uint64_t deadline_wheel::ticks_passed(clock::time_point t) const noexcept {
  return t <= epoch_ ? 0 : static_cast<std::uint64_t>((t - epoch_) / resolution);
}

std::uint64_t deadline_wheel::tick_at_or_after(clock::time_point t) const noexcept {
  if (t <= epoch_) return 0;
  const auto since = t - epoch_;
  const auto ticks = static_cast<std::uint64_t>(since / resolution);
  return since % resolution == clock::duration::zero() ? ticks : ticks + 1;
}

void deadline_wheel::schedule(waiter& e, clock::time_point due) {
  std::lock_guard lock(mutex_);
  unlink(e);
  // After a pause in which nobody waited, the ticks in between have nothing to visit.
  if (!armed_) next_tick_ = std::max(next_tick_, ticks_passed(clock::now()));
  // clock::time_point::max() and other far deadlines still land in a slot; they are passed over
  // on each turn until their tick comes.
  e.tick_ =
      std::max(tick_at_or_after(std::min(due, clock::time_point::max() - resolution)), next_tick_);
  slots_[e.tick_ % slot_count].push_back(e);
  ++waiting_;
  arm();
}

void deadline_wheel::cancel(waiter& e) noexcept {
  std::lock_guard lock(mutex_);
  unlink(e);
}

void deadline_wheel::unlink(waiter& e) noexcept {
  if (!e.hook_.is_linked()) return;
  slots_[e.tick_ % slot_count].erase(slot::s_iterator_to(e));
  --waiting_;
}

void deadline_wheel::arm() {
  if (armed_ || waiting_ == 0) return;
  armed_ = true;
  timer_.expires_at(epoch_ + resolution * static_cast<clock::rep>(next_tick_));
  timer_.async_wait([this](const boost::system::error_code& ec) { on_tick(ec); });
}

void deadline_wheel::on_tick(const boost::system::error_code& ec) {
  std::lock_guard lock(mutex_);
  armed_ = false;
  if (ec == boost::asio::error::operation_aborted) return;
  const std::uint64_t now = ticks_passed(clock::now());
  // Visit every slot whose tick has come since the last visit, each slot at most once: after a
  // stall longer than a turn, one pass over all of them finds everything due.
  const std::uint64_t last = std::min(now, next_tick_ + slot_count - 1);
  for (std::uint64_t t = next_tick_; t <= last; ++t) {
    auto& s = slots_[t % slot_count];
    for (auto it = s.begin(); it != s.end();) {
      waiter& e = *it;
      if (e.tick_ > now) {
        ++it;
        continue;
      }
      it = s.erase(it);
      --waiting_;
      e.wake_(e);
    }
  }
  next_tick_ = std::max(next_tick_, now + 1);
  arm();
}

}  // namespace asyncsvr::net
