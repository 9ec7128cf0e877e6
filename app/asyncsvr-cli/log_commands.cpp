// tail: the server's log through LogOutput (PROTOCOL.md §14).

#include <chrono>
#include <iostream>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "asyncsvr/client/connection.hpp"
#include "asyncsvr/client/reconnecting_session.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "commands.hpp"

namespace asyncsvr::cli {

namespace {

// §2.2: a client that is otherwise silent sends Active at least every idle_timeout / 3.
constexpr auto keep_alive_interval = std::chrono::seconds(60);

// Log lines to stdout (with the local line ending), gaps to stderr; anything else (a Disconnect
// notice) ends the command with the server's code.
void print(const client::message& m) {
  if (m.command == "Log") {
    for (std::string_view rest = m.payload; !rest.empty();) {
      const auto end = rest.find("\r\n");
      std::cout << rest.substr(0, end) << '\n';
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 2);
    }
    std::cout.flush();
  } else if (m.command == "LogDropped") {
    std::cerr << "*** " << m.value("Count").value_or("?") << " log lines dropped ***" << std::endl;
  } else {
    client::expect_success(m, "follow the log");
    throw client::error("unexpected frame '" + m.command + "' from the log feed");
  }
}

void print_pushes(client::connection& c) {
  for (; !c.pushes().empty(); c.pushes().pop_front())
    print(c.pushes().front());
}

// Waits until the server has sent something or `within` passed; true in the first case.
bool wait_for_input(boost::asio::io_context& io, client::connection& c,
                    std::chrono::steady_clock::duration within) {
  if (c.input_pending()) return true;  // TLS may hold a whole frame the socket no longer shows
  bool readable = false;
  boost::asio::steady_timer timer(io, within);
  c.socket().async_wait(boost::asio::socket_base::wait_read,
                        [&](const boost::system::error_code& ec) {
                          readable = !ec;
                          timer.cancel();
                        });
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (!ec) c.socket().cancel();
  });
  io.restart();
  io.run();
  return readable;
}

}  // namespace

void run_tail(const command_context& context) {
  auto c = client::open_session(context.io, context.options.account, log_output_protocol);
  // The backlog is pushed right after the Login reply, so it is queued ahead of the reply to a
  // request sent now; what arrives before that reply is the backlog (and any line logged
  // meanwhile).
  client::expect_success(c.call("Active"), "read the log");
  print_pushes(c);
  if (!context.options.follow) return;
  for (;;) {
    if (wait_for_input(context.io, c, keep_alive_interval)) {
      print(c.receive());
    } else {
      client::expect_success(c.call("Active"), "keep the log connection alive");
      print_pushes(c);
    }
  }
}

}  // namespace asyncsvr::cli
