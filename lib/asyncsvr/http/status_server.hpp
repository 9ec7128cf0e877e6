#pragma once
// A small HTTP/1.1 endpoint (Boost.Beast) on its own port; what it answers is status_routes.hpp.
// It shares the server's io_context; Beast stays inside status_server.cpp so that no other file
// pays for its templates.
//
// Bounded by design: at most max_clients connections, requests of at most 8 KiB, 10 s per
// request. A malformed request gets 400, too large a header 431, too large a body 413.
//
// Thread-safety: start() once; stop() from any thread.

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/http/status_routes.hpp"

namespace asyncsvr::http {

class status_server {
 public:
  // Binds at once; throws boost::system::system_error naming the endpoint on failure.
  status_server(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& endpoint,
                status_routes routes);
  ~status_server();
  status_server(const status_server&) = delete;
  status_server& operator=(const status_server&) = delete;

  void start();
  void stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace asyncsvr::http
