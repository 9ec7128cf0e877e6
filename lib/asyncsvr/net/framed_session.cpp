#include "asyncsvr/net/framed_session.hpp"

#include <algorithm>
#include <array>

#include "asyncsvr/auth/login_service.hpp"
#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/codec/utf8.hpp"
#include "asyncsvr/codec/values.hpp"
#include "asyncsvr/log/log.hpp"
#include "asyncsvr/net/address_list.hpp"

namespace asyncsvr::net {

namespace {

// §15.1 tokens; a session's granted set is a bit mask over this table.
constexpr std::array<std::string_view, 1> known_capabilities{"Message"};

// Login and Active belong to every framed protocol (§6.2, §6.3); they are looked up after the
// protocol's own table so a protocol cannot accidentally shadow them with a different meaning.
constexpr std::string_view login_command = "Login";
constexpr std::string_view active_command = "Active";

bool plaintext_login_allowed(const server_config& config,
                             const boost::asio::ip::tcp::endpoint& remote) {
  switch (config.login_on_plaintext) {
    case plaintext_login::allow:
      return true;
    case plaintext_login::deny:
      return false;
    case plaintext_login::loopback:
      return canonical_address(remote.address()).is_loopback();
  }
  return false;
}

}  // namespace

bool framed_session::granted_capability(std::string_view canonical) const noexcept {
  for (std::size_t i = 0; i < known_capabilities.size(); ++i) {
    if (known_capabilities[i] == canonical) return (capabilities_ >> i) & 1U;
  }
  return false;
}

bool framed_session::add_listed(codec::text_builder& reply, std::string_view key,
                                std::string_view item) const {
  static constexpr std::string_view truncated_line = "\r\nTruncated=1";
  // A client applying this server's defaults enforces the text limit too; a reply it must reject
  // would help nobody.
  const auto& config = context().config;
  const std::size_t limit =
      std::min<std::size_t>(config.max_packet_size - 4, config.max_command_text) -
      truncated_line.size();
  // "\r\n" + key + "=" + item
  if (reply.text().size() + 3 + key.size() + item.size() > limit) {
    reply.add("Truncated", 1);
    return false;
  }
  reply.add(key, item);
  return true;
}

codec::text_builder framed_session::begin_reply(const request& r) {
  return codec::begin_response(scratch(), r.command, codec::result_code::success);
}

void framed_session::reply_ok(const request& r) {
  send(begin_reply(r).text());
}

void framed_session::reply_error(std::string_view command, codec::result_code code,
                                 std::string_view message) {
  send(codec::begin_response(scratch(), command, code, message).text());
}

const command_spec* framed_session::find_command(std::string_view name) const {
  for (const auto& candidate : commands()) {
    if (codec::iequals(candidate.name, name)) return &candidate;
  }
  return nullptr;
}

void framed_session::on_request(const codec::command_text& text, std::span<const char> payload) {
  const auto name = text.command();
  const command_spec* spec = find_command(name);
  const request r{spec ? spec->name : name, text, payload};
  if (!spec) {
    if (codec::iequals(name, login_command)) {
      login({login_command, text, payload});
    } else if (codec::iequals(name, active_command)) {
      if (!payload.empty()) return reply_error(active_command, codec::result_code::parameter_error);
      reply_ok({active_command, text, payload});
    } else {
      reply_error(codec::utf8_prefix(name, codec::max_echoed_command),
                  codec::result_code::not_exist_command);
    }
    return;
  }
  if (admitted(*spec, r, !payload.empty())) spec->handler(*this, r);
}

payload_route framed_session::on_request_head(const codec::command_text& text,
                                              std::size_t payload_size) {
  const command_spec* spec = find_command(text.command());
  if (!spec || !spec->head_handler) return payload_route::buffer;
  const request r{spec->name, text, {}};  // the payload is still to come
  if (!admitted(*spec, r, payload_size > 0)) return payload_route::skip;
  return spec->head_handler(*this, r, payload_size);
}

bool framed_session::admitted(const command_spec& spec, const request& r, bool has_payload) {
  // §6.4: known command → logged in → role → keys and payload → state.
  if (spec.access != access::anyone && !logged_in() && !serves_anonymously(spec)) {
    if (spec.close_when_refused) {
      finish_with(
          codec::begin_response(scratch(), spec.name, codec::result_code::not_login).text());
    } else {
      reply_error(r, codec::result_code::not_login);
    }
    return false;
  }
  if (spec.access == access::admin && !is_admin()) {
    reply_error(r, codec::result_code::permission_denied, "administrator role required");
    return false;
  }
  if (spec.payload == payload::none && has_payload) {
    reply_error(r, codec::result_code::parameter_error, "this command takes no payload");
    return false;
  }
  return true;
}

void framed_session::login(const request& r) {
  key_reader keys(r);
  const auto user = keys.text("UserName", presence::required);
  const auto password = keys.text("Password", presence::required);
  const auto capabilities = keys.text("Capabilities", presence::optional);
  if (!keys.ok() || !r.payload.empty()) {
    return login_failed(codec::result_code::parameter_error, keys.problem());
  }
  if (!info().secure && !plaintext_login_allowed(context().config, info().remote)) {
    return login_failed(codec::result_code::permission_denied, "login over plaintext refused");
  }
  // §19.3: a present but malformed Password is a wrong password, not a parameter error.
  if (!auth::is_hex32(*password)) return login_failed(codec::result_code::user_or_password_error);

  // Replies leave in request order, so nothing else is processed until the check returns.
  suspend_requests();
  auto self = std::static_pointer_cast<framed_session>(shared_from_this());
  context().logins.verify(
      std::string(*user), std::string(*password), canonical_address(info().remote.address()),
      [self, capabilities = std::string(capabilities.value_or(std::string_view{})),
       asked = capabilities.has_value()](auth::verify_result result) mutable {
        self->run_on_strand(
            [self, result = std::move(result), capabilities = std::move(capabilities), asked] {
              self->finish_login(
                  result, asked ? std::optional<std::string_view>(capabilities) : std::nullopt);
              self->resume_requests();
            });
      });
}

void framed_session::finish_login(const auth::verify_result& result,
                                  std::optional<std::string_view> capabilities) {
  if (result.status != auth::verify_status::success) {
    return login_failed(codec::result_code::user_or_password_error);
  }
  if (!admits(result.account->role)) {
    return login_failed(codec::result_code::permission_denied,
                        "this protocol needs the administrator role");
  }
  set_account(result.account);
  clear_login_deadline();
  capabilities_ = 0;
  std::string granted;
  if (capabilities) {
    codec::for_each_list_token(*capabilities, [&](std::string_view token) {
      for (std::size_t i = 0; i < known_capabilities.size(); ++i) {
        const auto canonical = known_capabilities[i];
        if (!codec::iequals(token, canonical) || !grants(canonical) || (capabilities_ >> i) & 1U) {
          continue;
        }
        capabilities_ |= 1U << i;
        if (!granted.empty()) granted.push_back(',');
        granted.append(canonical);
      }
    });
  }
  auto reply = codec::begin_response(scratch(), login_command, codec::result_code::success);
  reply.add("SessionId", id()).add("Role", auth::role_name(account()->role));
  if (capabilities) reply.add("Capabilities", granted);
  send(reply.text());
  LOG_DEBUG(id()) << "logged in as " << account()->name;
  on_login();
}

void framed_session::login_failed(codec::result_code code, std::string_view message) {
  // §6.2: a failed Login logs the session out, and every failure counts towards the limit.
  set_account(nullptr);
  capabilities_ = 0;
  ++login_failures_;
  context().metrics.login_failures.add();
  reply_error(login_command, code, message);
  if (login_failures_ >= context().config.max_login_failures) {
    disconnect(codec::result_code::too_many_login_failures, "");
  }
}

}  // namespace asyncsvr::net
