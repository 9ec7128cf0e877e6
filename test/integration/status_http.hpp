#pragma once
// A deliberately small HTTP/1.1 client for the status endpoint tests: one request per
// connection, written as given, so that tests can also send malformed or oversized requests.

#include <cstdint>
#include <map>
#include <string>

namespace asyncsvr::test {

struct http_response {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

// Sends `request` (a whole HTTP request, bytes as they are) to 127.0.0.1:port and reads the
// response until the server closes. Throws std::runtime_error when nothing parsable comes back.
http_response http_exchange(std::uint16_t port, const std::string& request);

// A well-formed request with Connection: close; `token` adds Authorization: Bearer.
std::string http_request(std::string_view method, std::string_view target,
                         std::string_view token = {}, std::string_view body = {});

}  // namespace asyncsvr::test
