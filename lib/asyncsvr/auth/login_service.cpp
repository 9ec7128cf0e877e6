#include "asyncsvr/auth/login_service.hpp"

#include <boost/asio/post.hpp>

namespace asyncsvr::auth {

login_service::login_service(std::shared_ptr<const user_store> users, unsigned threads)
    : threads_(threads == 0 ? 1 : threads), users_(std::move(users)) {}

login_service::~login_service() {
  stop();
}

void login_service::verify(std::string user_name, std::string wire_password,
                           std::function<void(verify_result)> done) {
  boost::asio::post(threads_, [this, user_name = std::move(user_name),
                               wire_password = std::move(wire_password), done = std::move(done)] {
    const auto store = users();
    done(verifier_.verify(*store, user_name, wire_password));
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
