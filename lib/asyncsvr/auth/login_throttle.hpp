#pragma once
// Per-address back-off against password guessing (our extension; PROTOCOL.md §6.2 only limits
// failures per connection, which a guesser side-steps by reconnecting).
//
// Each peer address has a record of its failed password checks. Once `failures` of them came
// each less than `window` after the one before, every further Login from that address waits
// before its password is checked: `delay`, doubled for each failure beyond `failures`, at most
// `max_delay`. The wait comes before the check, whatever the user name, so it says nothing about
// which names exist or whether the password was right. A success does not clear the record: a
// guesser who owns one account must not be able to wipe the trail of guesses at others. A record
// is forgotten `window` after its last failure.
//
// Memory is bounded: at most `capacity` addresses are remembered; a new one first evicts the
// expired records and, when none expired, the record whose last failure is the oldest.
//
// Thread-safety: every member function may be called from any thread.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>

#include <boost/asio/ip/address.hpp>
#include <boost/unordered/unordered_flat_map.hpp>

namespace asyncsvr::auth {

struct login_backoff_settings {
  unsigned failures = 0;  // 0 = off
  std::chrono::milliseconds window{0};
  std::chrono::milliseconds delay{0};
  std::chrono::milliseconds max_delay{0};
  // Enough addresses for a wide distributed attack; a record costs about 40 bytes.
  std::size_t capacity = 65536;
};

class login_throttle {
 public:
  using clock = std::chrono::steady_clock;

  explicit login_throttle(const login_backoff_settings& settings) : settings_(settings) {}

  // How long a Login from `address` waits before its check; 0 when it is not backed off. Counts
  // each non-zero answer as one back-off.
  std::chrono::milliseconds delay_for(const boost::asio::ip::address& address,
                                      clock::time_point now = clock::now());
  // Records a failed password check from `address`.
  void record_failure(const boost::asio::ip::address& address,
                      clock::time_point now = clock::now());

  // Logins delayed so far.
  std::uint64_t backoffs() const noexcept { return backoffs_.load(std::memory_order_relaxed); }
  // Addresses remembered now.
  std::size_t addresses() const;

 private:
  struct record {
    unsigned failures = 0;
    clock::time_point last_failure;
  };

  bool expired(const record& r, clock::time_point now) const noexcept {
    return now - r.last_failure >= settings_.window;
  }
  void make_room(clock::time_point now);

  const login_backoff_settings settings_;
  mutable std::mutex mutex_;  // logins are rare next to the PBKDF2 work each one costs
  boost::unordered_flat_map<boost::asio::ip::address, record, std::hash<boost::asio::ip::address>>
      records_;
  std::atomic<std::uint64_t> backoffs_{0};
};

}  // namespace asyncsvr::auth
