#pragma once
// A deliberately small HTTP/1.1 client for the status endpoint tests: one request per
// connection, written as given, so that tests can also send malformed or oversized requests.

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

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

// GET /status as JSON; throws std::runtime_error unless the answer is 200 with a JSON object.
boost::json::object fetch_status(std::uint16_t port, std::string_view token = {});

// The number at a path of nested objects, e.g. at(doc, {"connections", "closed", "kicked"}).
std::uint64_t at(const boost::json::object& doc, std::initializer_list<std::string_view> path);

}  // namespace asyncsvr::test
