#pragma once
// Wake-ups for the deadlines of every session (PROTOCOL.md §2.2 and §2.3: login, idle, send
// stall, close linger) from one timer, instead of an Asio timer per session.
//
// Why: a steady_timer is 72 bytes in the session, and its pending wait another 144 in an
// operation plus a slot in Asio's timer heap. With many thousands of mostly idle connections that
// was a fifth of each one's memory. These deadlines are seconds long and need only fire neither
// early nor much late, which a hashed wheel does: a session links itself (32 bytes it carries)
// into the slot of its deadline's tick, and one timer, running only while someone waits, visits
// the slots as the ticks pass.
//
// A wake-up is a hint: the session re-checks all its deadlines when it runs, so a late or
// spurious one is harmless. What the wheel guarantees is that none comes early, and none later
// than one resolution plus the time the loop takes to get to it.
//
// Thread-safety: schedule() and cancel() from any thread. One mutex, taken when a session's
// earliest deadline moves (its start, a blocked write, closing, and each wake-up) and once per
// tick; never per request.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>

#include <boost/intrusive/list.hpp>
#include <boost/system/error_code.hpp>

#include "asyncsvr/net/io_types.hpp"

namespace asyncsvr::net {

class deadline_wheel {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr clock::duration resolution = std::chrono::milliseconds(20);
  static constexpr std::size_t slot_count = 512;  // about ten seconds per turn

  // What an object that wants wake-ups carries. `wake` runs on the wheel's timer, under its
  // mutex, once the deadline has passed; it must only hand the work on (post it), never call back
  // into the wheel.
  class waiter {
   public:
    using wake_function = void (*)(waiter&) noexcept;
    explicit waiter(wake_function wake) noexcept : wake_(wake) {}

   private:
    friend class deadline_wheel;
    boost::intrusive::list_member_hook<> hook_;
    std::uint64_t tick_ = 0;
    wake_function wake_;
  };

  explicit deadline_wheel(boost::asio::io_context& io);
  deadline_wheel(const deadline_wheel&) = delete;
  deadline_wheel& operator=(const deadline_wheel&) = delete;

  // Wakes `e` once `due` has passed, replacing its previous wake-up, if any.
  void schedule(waiter& e, clock::time_point due);
  // Forgets `e`'s wake-up; `e` may be destroyed once this returns.
  void cancel(waiter& e) noexcept;

 private:
  using slot = boost::intrusive::list<
      waiter,
      boost::intrusive::member_hook<waiter, boost::intrusive::list_member_hook<>, &waiter::hook_>,
      boost::intrusive::constant_time_size<false>>;

  std::uint64_t tick_at_or_after(clock::time_point t) const noexcept;
  std::uint64_t ticks_passed(clock::time_point t) const noexcept;
  void unlink(waiter& e) noexcept;  // with mutex_ held
  void arm();                       // with mutex_ held
  void on_tick(const boost::system::error_code& ec);

  const clock::time_point epoch_ = clock::now();
  std::mutex mutex_;
  std::array<slot, slot_count> slots_;
  std::size_t waiting_ = 0;
  std::uint64_t next_tick_ = 0;  // the first tick whose slot has not been visited
  bool armed_ = false;
  steady_timer timer_;
};

}  // namespace asyncsvr::net
