#pragma once

#include <string_view>

namespace asyncsvr::http {

// The page served at GET /: plain HTML with inline script and style, no external resource, that
// polls /status every second and draws connections and throughput of the last five minutes.
// With status_token set, open it as http://HOST:PORT/#token=TOKEN; the fragment never leaves the
// browser, and the script sends it as a bearer token.
std::string_view dashboard_page() noexcept;

}  // namespace asyncsvr::http
