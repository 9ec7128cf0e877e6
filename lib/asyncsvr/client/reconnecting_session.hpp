#pragma once
// A logged-in connection that survives connection failures: file transfers run their work
// through run(), which reconnects, logs in again and repeats the work (which resumes from what
// the server confirms) until it completes or the retry budget is spent.
//
// Thread-safety: none; one thread uses a session at a time.

#include <chrono>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include <boost/asio/io_context.hpp>

#include "asyncsvr/client/connection.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "asyncsvr/client/transfer_listener.hpp"

namespace asyncsvr::client {

// Where to connect and as whom.
struct account {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  client::options options;
  std::string user;
  std::string password;
};

struct retry_policy {
  unsigned attempts = 5;  // tries in a row without progress before giving up
  std::chrono::milliseconds first_delay = std::chrono::milliseconds(500);  // doubled each time
  std::chrono::milliseconds max_delay = std::chrono::seconds(8);
};

// Connects with protocol `flag` and logs in (§6.2). Throws server_error when Login is refused,
// client::error when the connection fails.
connection open_session(boost::asio::io_context& io, const account& who, std::uint8_t flag);

class reconnecting_session {
 public:
  reconnecting_session(boost::asio::io_context& io, account who, std::uint8_t flag,
                       retry_policy policy = {});

  // Calls work(connection&) and returns its result. When it throws client::error (the
  // connection failed or timed out) or the server announces it is shutting down, the connection
  // is dropped and, after a growing delay reported to `listener`, the work runs again on a new
  // one; after policy.attempts failures in a row without progress the last error is rethrown.
  // Other exceptions — other server refusals included — pass through at once.
  template <class Work>
  auto run(Work&& work, transfer_listener& listener) {
    failures_ = 0;
    for (;;) {
      try {
        return work(current());
      } catch (const error& e) {
        if (!retry_after(e, listener)) throw;
      } catch (const server_error& e) {
        // A restarting server is a connection failure that says so.
        if (e.code() != codec::result_code::server_shutting_down || !retry_after(e, listener)) {
          throw;
        }
      }
    }
  }

  // Called by work that got the server to confirm new data, so that a long transfer over a
  // flaky link is limited by failures in a row, not by failures in total.
  void made_progress() noexcept { failures_ = 0; }

  const account& who() const noexcept { return who_; }

 private:
  connection& current();
  // Drops the connection and waits before the next attempt; false when the budget is spent.
  bool retry_after(const std::exception& why, transfer_listener& listener);

  boost::asio::io_context& io_;
  account who_;
  std::uint8_t flag_;
  retry_policy policy_;
  unsigned failures_ = 0;
  std::optional<connection> connection_;
};

}  // namespace asyncsvr::client
