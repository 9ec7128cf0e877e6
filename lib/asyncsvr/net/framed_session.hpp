#pragma once
// What every framed protocol shares on top of `session`: the command table dispatch with the
// PROTOCOL.md §6.4 order of checks, and the Login (§6.2) and Active (§6.3) commands.
//
// A protocol derives from framed_session, lists its commands in a table and implements one
// member function per command:
//
//   std::span<const command_spec> commands() const override {
//     static constexpr command_spec table[] = {
//         {"CyclePacket", access::login, payload::allowed, &call<&throughput_session::cycle>}};
//     return table;
//   }

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "asyncsvr/auth/credential_verifier.hpp"
#include "asyncsvr/auth/user_store.hpp"
#include "asyncsvr/net/request.hpp"
#include "asyncsvr/net/session.hpp"

namespace asyncsvr::net {

enum class access { anyone, login, admin };
enum class payload { none, allowed };

class framed_session;

struct command_spec {
  std::string_view name;
  net::access access = access::login;
  net::payload payload = payload::none;
  void (*handler)(framed_session&, const request&) = nullptr;
  // Refusing this command for want of a login also ends the connection (Upload Data, §10.8).
  bool close_when_refused = false;
  // For a command whose payload may be handled as it arrives (session::on_request_head): called,
  // after the same checks as `handler`, with the request's text and its payload's size.
  payload_route (*head_handler)(framed_session&, const request&, std::size_t) = nullptr;
};

class framed_session : public session {
 public:
  using session::session;

 protected:
  // Turns a member function into a table entry's handler.
  template <auto Method>
  static void call(framed_session& self, const request& r) {
    using owner = typename member_owner<decltype(Method)>::type;
    (static_cast<owner&>(self).*Method)(r);
  }
  // The same for a head_handler.
  template <auto Method>
  static payload_route call_head(framed_session& self, const request& r, std::size_t size) {
    using owner = typename member_owner<decltype(Method)>::type;
    return (static_cast<owner&>(self).*Method)(r, size);
  }

  virtual std::span<const command_spec> commands() const = 0;
  // Commands the protocol serves without a login (Throughput with throughput_allow_anonymous).
  virtual bool serves_anonymously(const command_spec&) const { return false; }
  // Whether a user of this role may log in on this protocol (LogOutput is admin-only, §14.1).
  virtual bool admits(auth::role) const { return true; }
  // Whether this protocol grants a known Login capability (§15.1), given in canonical spelling.
  virtual bool grants(std::string_view /*capability*/) const { return false; }
  // Called after a successful Login reply is queued.
  virtual void on_login() {}

  bool logged_in() const noexcept { return account() != nullptr; }
  bool is_admin() const noexcept { return account() && account()->role == auth::role::admin; }
  bool granted_capability(std::string_view canonical) const noexcept;

  // A reply with Code=0 to fill with the command's keys; then call send(builder.text(), ...).
  codec::text_builder begin_reply(const request& r);
  void reply_ok(const request& r);
  void reply_error(std::string_view command, codec::result_code code,
                   std::string_view message = {});
  void reply_error(const request& r, codec::result_code code, std::string_view message = {}) {
    reply_error(r.command, code, message);
  }
  // Adds one `key`=`item` line of a listing (GetClients §9.1, Dir §10.2, FileList §10.5) unless
  // the reply would then exceed what a peer accepts (the frame limit and the text limit); adds
  // Truncated=1 instead and returns false then.
  bool add_listed(codec::text_builder& reply, std::string_view key, std::string_view item) const;

 private:
  template <class T>
  struct member_owner;
  template <class R, class C, class... A>
  struct member_owner<R (C::*)(A...)> {
    using type = C;
  };

  void on_request(const codec::command_text& text, std::span<const char> payload) final;
  payload_route on_request_head(const codec::command_text& text, std::size_t payload_size) final;
  const command_spec* find_command(std::string_view name) const;
  // §6.4: whether the session may run this known command; answers the refusal if not.
  bool admitted(const command_spec& spec, const request& r, bool has_payload);
  void login(const request& r);
  void finish_login(const auth::verify_result& result,
                    std::optional<std::string_view> capabilities);
  void login_failed(codec::result_code code, std::string_view message = {});

  unsigned login_failures_ = 0;
  std::uint32_t capabilities_ = 0;  // bit i = i-th capability this session was granted
};

}  // namespace asyncsvr::net
