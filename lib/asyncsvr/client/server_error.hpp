#pragma once
// A request the server answered with a failure: its result code and Message (PROTOCOL.md §5).
// It is not a client::error on purpose: a refusal is final, while a connection failure may be
// retried on a new connection.
//
// Thread-safety: none needed; these are values.

#include <stdexcept>
#include <string>
#include <string_view>

#include "asyncsvr/client/message.hpp"
#include "asyncsvr/codec/result_code.hpp"

namespace asyncsvr::client {

class server_error : public std::runtime_error {
 public:
  // what() reads "<context>: <Name> (<code>): <Message>".
  server_error(std::string_view context, const message& reply);

  codec::result_code code() const noexcept { return code_; }
  const std::string& server_message() const noexcept { return server_message_; }

 private:
  codec::result_code code_;
  std::string server_message_;
};

// Returns `reply` when it reports success; throws server_error for an error reply or a
// Disconnect notice (§2.3: a pending request fails with the notice's code). `context` names what
// was attempted, e.g. "upload report.pdf".
const message& expect_success(const message& reply, std::string_view context);

}  // namespace asyncsvr::client
