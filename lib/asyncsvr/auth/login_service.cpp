#include "asyncsvr/auth/login_service.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace asyncsvr::auth {

login_service::login_service(std::shared_ptr<const user_store> users, unsigned threads,
                             const login_backoff_settings& backoff)
    : threads_(threads == 0 ? 1 : threads), users_(std::move(users)), throttle_(backoff) {}

login_service::~login_service() {
  stop();
}

void login_service::verify(std::string user_name, std::string wire_password,
                           const boost::asio::ip::address& peer,
                           std::function<void(verify_result)> done) {
  auto check = [this, user_name = std::move(user_name), wire_password = std::move(wire_password),
                peer, done = std::move(done)] {
    const auto store = users();
    auto result = verifier_.verify(*store, user_name, wire_password);
    if (result.status != verify_status::success) throttle_.record_failure(peer);
    done(std::move(result));
  };
  const auto delay = throttle_.delay_for(peer);
  if (delay == std::chrono::milliseconds::zero()) {
    boost::asio::post(threads_, std::move(check));
    return;
  }
  // The timer rides along in its own handler; stop() abandons it with the queued checks.
  auto timer = std::make_shared<boost::asio::steady_timer>(threads_, delay);
  timer->async_wait([timer, check = std::move(check)](const boost::system::error_code& ec) {
    if (!ec) check();
  });
}

void login_service::replace_users(std::shared_ptr<const user_store> users) {
  std::lock_guard lock(users_mutex_);
  users_ = std::move(users);
}

std::shared_ptr<const user_store> login_service::users() const {
  std::lock_guard lock(users_mutex_);
  return users_;
}

void login_service::stop() {
  threads_.stop();
  threads_.join();
}

}  // namespace asyncsvr::auth
