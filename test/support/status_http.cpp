#include "status_http.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/parse.hpp>

namespace asyncsvr::test {

namespace {

using tcp = boost::asio::ip::tcp;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

http_response parse_response(const std::string& raw) {
  const auto head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos) {
    throw std::runtime_error("not an HTTP response: " + raw.substr(0, 200));
  }
  http_response response;
  response.status = static_cast<unsigned>(std::stoul(raw.substr(9, 3)));
  std::size_t line = raw.find("\r\n") + 2;
  while (line < head_end) {
    const auto end = raw.find("\r\n", line);
    const auto colon = raw.find(':', line);
    if (colon < end) {
      auto value = raw.substr(colon + 1, end - colon - 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[lower(raw.substr(line, colon - line))] = value;
    }
    line = end + 2;
  }
  response.body = raw.substr(head_end + 4);
  return response;
}

}  // namespace

http_response http_exchange(std::uint16_t port, const std::string& request) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  boost::asio::write(socket, boost::asio::buffer(request));
  std::string raw;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(raw), ec);
  // The server ends each exchange by closing; a reset after a refused oversized request is fine
  // as long as the answer arrived first.
  if (ec && ec != boost::asio::error::eof && ec != boost::asio::error::connection_reset) {
    throw boost::system::system_error(ec, "reading the status response");
  }
  return parse_response(raw);
}

std::string http_request(std::string_view method, std::string_view target, std::string_view token,
                         std::string_view body) {
  std::string r;
  r.append(method).append(" ").append(target).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  if (!token.empty()) r.append("Authorization: Bearer ").append(token).append("\r\n");
  if (!body.empty())
    r.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  r.append("Connection: close\r\n\r\n").append(body);
  return r;
}

boost::json::object fetch_status(std::uint16_t port, std::string_view token) {
  const auto r = http_exchange(port, http_request("GET", "/status", token));
  if (r.status != 200) {
    throw std::runtime_error("GET /status answered " + std::to_string(r.status) + ": " + r.body);
  }
  auto doc = boost::json::parse(r.body);
  if (!doc.is_object()) throw std::runtime_error("/status is not a JSON object: " + r.body);
  return std::move(doc.as_object());
}

std::uint64_t at(const boost::json::object& doc, std::initializer_list<std::string_view> path) {
  const boost::json::value* v = &doc.at(*path.begin());
  for (auto it = path.begin() + 1; it != path.end(); ++it)
    v = &v->as_object().at(*it);
  return v->to_number<std::uint64_t>();
}

}  // namespace asyncsvr::test
