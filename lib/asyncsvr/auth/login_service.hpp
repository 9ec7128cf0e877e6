#pragma once
// Password checks off the I/O threads. A PBKDF2 derivation takes tens of milliseconds by design;
// running it on an I/O thread would stall every session sharing that thread, so logins queue on
// a small pool of their own and report back through a callback. Logins from an address that keeps
// failing wait on a timer first (login_throttle), which holds no thread.
//
// Thread-safety: every member function may be called from any thread.

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>

#include "asyncsvr/auth/credential_verifier.hpp"
#include "asyncsvr/auth/login_throttle.hpp"
#include "asyncsvr/auth/user_store.hpp"

namespace asyncsvr::auth {

class login_service {
 public:
  login_service(std::shared_ptr<const user_store> users, unsigned threads,
                const login_backoff_settings& backoff = {});
  ~login_service();
  login_service(const login_service&) = delete;
  login_service& operator=(const login_service&) = delete;

  // Checks the credentials on the service's threads and calls `done` there with the outcome,
  // after the back-off delay of `peer` (the caller's canonical address) if it has one.
  void verify(std::string user_name, std::string wire_password,
              const boost::asio::ip::address& peer, std::function<void(verify_result)> done);

  // Swaps in a reloaded users file; logins already queued see the new one.
  void replace_users(std::shared_ptr<const user_store> users);
  std::shared_ptr<const user_store> users() const;

  const credential_verifier& verifier() const noexcept { return verifier_; }
  const login_throttle& throttle() const noexcept { return throttle_; }

  // Waits for queued checks to finish; later verify() calls are dropped.
  void stop();

 private:
  boost::asio::thread_pool threads_;
  mutable std::mutex users_mutex_;
  std::shared_ptr<const user_store> users_;
  credential_verifier verifier_;
  login_throttle throttle_;
};

}  // namespace asyncsvr::auth
