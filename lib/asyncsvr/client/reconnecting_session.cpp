#include "asyncsvr/client/reconnecting_session.hpp"

#include <algorithm>
#include <thread>
#include <utility>

#include "asyncsvr/client/server_error.hpp"

namespace asyncsvr::client {

connection open_session(boost::asio::io_context& io, const account& who, std::uint8_t flag) {
  connection c(io, who.host, who.port, flag, who.options);
  expect_success(c.login(who.user, who.password), "login as " + who.user);
  return c;
}

reconnecting_session::reconnecting_session(boost::asio::io_context& io, account who,
                                           std::uint8_t flag, retry_policy policy)
    : io_(io), who_(std::move(who)), flag_(flag), policy_(policy) {}

connection& reconnecting_session::current() {
  if (!connection_) connection_.emplace(open_session(io_, who_, flag_));
  return *connection_;
}

bool reconnecting_session::retry_after(const std::exception& why, transfer_listener& listener) {
  connection_.reset();
  if (++failures_ >= policy_.attempts) return false;
  // The delay doubles from first_delay with every failure in a row, up to max_delay.
  auto delay = policy_.first_delay;
  for (unsigned i = 1; i < failures_ && delay < policy_.max_delay; ++i)
    delay *= 2;
  delay = std::min(delay, policy_.max_delay);
  listener.retrying(why, failures_ + 1, delay);
  std::this_thread::sleep_for(delay);
  return true;
}

}  // namespace asyncsvr::client
