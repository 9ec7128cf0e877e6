#include "asyncsvr/client/server_error.hpp"

#include <sstream>

namespace asyncsvr::client {

namespace {

std::string describe(std::string_view context, const message& reply) {
  std::ostringstream out;
  out << context << ": " << reply.result();
  if (const auto text = reply.value("Message"); text && !text->empty()) out << ": " << *text;
  if (reply.command == "Disconnect") out << " (the server closed the connection)";
  return out.str();
}

}  // namespace

server_error::server_error(std::string_view context, const message& reply)
    : std::runtime_error(describe(context, reply)),
      code_(reply.result()),
      server_message_(reply.value("Message").value_or("")) {}

const message& expect_success(const message& reply, std::string_view context) {
  if (!reply.ok() || reply.command == "Disconnect") throw server_error(context, reply);
  return reply;
}

}  // namespace asyncsvr::client
