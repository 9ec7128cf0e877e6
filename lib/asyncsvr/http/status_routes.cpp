#include "asyncsvr/http/status_routes.hpp"

#include <array>
#include <utility>

#include "asyncsvr/http/dashboard_page.hpp"
#include "asyncsvr/http/process_stats.hpp"
#include "asyncsvr/http/prometheus_text.hpp"
#include "asyncsvr/http/status_json.hpp"
#include "asyncsvr/log/log.hpp"

namespace asyncsvr::http {

namespace {

constexpr std::string_view read_methods = "GET, HEAD";
constexpr std::string_view write_methods = "PUT, POST";

constexpr std::array<std::pair<std::string_view, log_severity>, 4> log_levels{{
    {"debug", log_severity::debug},
    {"info", log_severity::info},
    {"warning", log_severity::warning},
    {"error", log_severity::error},
}};

bool is_read(std::string_view method) {
  return method == "GET" || method == "HEAD";
}

bool is_write(std::string_view method) {
  return method == "PUT" || method == "POST";
}

// Takes as long for every guess of the same length, so timing does not reveal how much of a
// guessed token was right.
bool same_secret(std::string_view given, std::string_view expected) noexcept {
  unsigned difference = given.size() != expected.size() ? 1u : 0u;
  for (std::size_t i = 0; i < given.size(); ++i) {
    const char e = expected.empty() ? '\0' : expected[i % expected.size()];
    difference |= static_cast<unsigned char>(given[i] ^ e);
  }
  return difference == 0;
}

std::string_view trim(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

status_reply plain(unsigned status, std::string body) {
  status_reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

status_reply wrong_method(std::string_view allow) {
  auto reply = plain(405, "method not allowed\n");
  reply.allow = allow;
  return reply;
}

status_reply unauthorized() {
  auto reply = plain(401, "Authorization: Bearer <status_token> required\n");
  reply.challenge = true;
  return reply;
}

}  // namespace

status_routes::status_routes(stats_source stats, std::string token)
    : stats_(std::move(stats)),
      expected_authorization_(token.empty() ? std::string() : "Bearer " + token) {}

bool status_routes::authorized(std::string_view authorization) const noexcept {
  return expected_authorization_.empty() || same_secret(authorization, expected_authorization_);
}

status_reply status_routes::respond(const status_request& request) const {
  const auto path = request.target.substr(0, request.target.find('?'));
  if (path == "/" || path == "/status" || path == "/metrics") {
    if (!is_read(request.method)) return wrong_method(read_methods);
    status_reply reply;
    if (path == "/") {
      reply.content_type = "text/html; charset=utf-8";
      reply.body = dashboard_page();
      return reply;
    }
    if (path == "/status" && !authorized(request.authorization)) return unauthorized();
    const auto stats = stats_();
    const auto process = read_process_stats();
    if (path == "/status") {
      reply.content_type = "application/json";
      reply.body = status_json(stats, process);
    } else {
      reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
      reply.body = prometheus_text(stats, process);
    }
    return reply;
  }
  if (path == "/log-level") {
    if (!is_write(request.method)) return wrong_method(write_methods);
    if (expected_authorization_.empty()) {
      return plain(403, "changing the log level needs status_token to be set\n");
    }
    if (!authorized(request.authorization)) return unauthorized();
    return set_log_level(request);
  }
  return plain(404, "not found\n");
}

status_reply status_routes::set_log_level(const status_request& request) const {
  const auto wanted = trim(request.body);
  for (const auto& [name, level] : log_levels) {
    if (name != wanted) continue;
    // Logged before the change, so that a quieter level does not hide the change itself.
    LOG_WARN(0) << "log level set to " << name << " through the status endpoint";
    log::set_level(level);
    return plain(200, "log level " + std::string(name) + "\n");
  }
  return plain(400, "the body must be one of debug, info, warning, error\n");
}

}  // namespace asyncsvr::http
