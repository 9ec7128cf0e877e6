#pragma once
// What the status endpoint answers, apart from HTTP itself (status_server.cpp):
//   GET /          the dashboard page (static; it carries no figures of its own)
//   GET /status    JSON (status_json.hpp)                         token required when set
//   GET /metrics   Prometheus text (prometheus_text.hpp)          always open, for scrapers
//   PUT /log-level body debug|info|warning|error                   only with the token set and
//   given
// HEAD is answered like GET. Unknown paths get 404, other methods 405 with Allow.
//
// Thread-safety: respond() may be called from any thread.

#include <functional>
#include <string>
#include <string_view>

#include "asyncsvr/net/server_stats.hpp"

namespace asyncsvr::http {

struct status_request {
  std::string_view method;
  std::string_view target;
  std::string_view authorization;  // the Authorization header, empty when absent
  std::string_view body;
};

struct status_reply {
  unsigned status = 200;
  std::string_view content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string_view allow;  // the Allow header of a 405
  bool challenge = false;  // a 401 that asks for a bearer token
};

class status_routes {
 public:
  using stats_source = std::function<net::server_stats()>;

  // An empty token leaves everything open and turns /log-level off.
  status_routes(stats_source stats, std::string token);

  status_reply respond(const status_request& request) const;

 private:
  bool authorized(std::string_view authorization) const noexcept;
  status_reply set_log_level(const status_request& request) const;

  stats_source stats_;
  std::string expected_authorization_;  // "Bearer TOKEN", empty when no token is set
};

}  // namespace asyncsvr::http
