#pragma once
// A blocking client connection with a deadline on every operation, for tools and tests. It runs
// a shared io_context only while one of its own operations is pending, so many connections can
// share one io_context on one thread (the classic Asio "blocking client with timeouts").
//
// Thread-safety: none; one thread uses a connection (and its io_context) at a time.

#include <chrono>
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/client/message.hpp"
#include "asyncsvr/codec/frame.hpp"
#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::client {

// The server closed the connection, or an operation failed or timed out.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An operation did not complete within its deadline.
class timeout_error : public error {
 public:
  using error::error;
};

struct options {
  asyncsvr::byte_order byte_order = byte_order::little;
  std::uint64_t max_packet_size = 4 * mib;
  std::chrono::milliseconds timeout = std::chrono::seconds(10);
  std::string bind_address;  // local address to connect from; empty = any
  // TLS (§6.5): the server's certificate must be valid for `tls_server_name` (empty: the address
  // connected to) and signed by a CA in `tls_ca_file` (PEM), or by one the system trusts when
  // that is empty.
  bool tls = false;
  std::string tls_ca_file;
  std::string tls_server_name;
};

using key_value = std::pair<std::string_view, std::string_view>;
using key_list = std::initializer_list<key_value>;
// Keys assembled at run time, e.g. a DeleteFile with one repeated Item per file.
using key_span = std::span<const key_value>;

class connection {
 public:
  // Connects (and with options::tls completes the TLS handshake) and sends the protocol flag
  // byte.
  connection(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
             std::uint8_t flag, options opts = {});
  ~connection();
  connection(connection&&) noexcept;

  // Sends one request frame. The payload is written from the caller's memory, not copied.
  void send(std::string_view command, key_list keys = {}, std::span<const char> payload = {});
  void send(std::string_view command, key_span keys, std::span<const char> payload = {});
  // Sends bytes as they are (for malformed-input tests).
  void send_raw(std::span<const char> bytes);
  // The next frame from the server, pushes included.
  message receive();
  // The same, but the payload stays in the connection's buffer and `payload` views it until the
  // next receive: bulk data (Download pushes) is then handled without a copy.
  message receive_in_place(std::string_view& payload);
  // True when the server has sent something not yet received, or the socket failed: lets a
  // client that expects no reply (Upload Data) notice an error reply or a Disconnect early.
  bool input_pending();
  // Sends a request and returns its reply: the next frame named like the command, or a
  // Disconnect notice. Pushes that arrive first are kept in pushes().
  message call(std::string_view command, key_list keys = {}, std::span<const char> payload = {});
  message call(std::string_view command, key_span keys, std::span<const char> payload = {});
  // Login with the wire form of `password` (§6.2); returns the reply.
  message login(std::string_view user, std::string_view password,
                std::string_view capabilities = {});

  std::deque<message>& pushes() noexcept { return pushes_; }

  // True when the server closes the connection within `within` (EOF or reset); frames that
  // arrive first are skipped.
  bool closed_by_server(std::chrono::milliseconds within);
  // Closes with RST instead of FIN.
  void reset();
  void close();

  boost::asio::ip::tcp::socket& socket() noexcept;  // under TLS, the socket beneath it
  const options& settings() const noexcept { return options_; }

 private:
  struct tls_stream;

  template <class Start>
  void run(Start&& start, std::chrono::milliseconds timeout);
  // Calls fn with the stream to read and write: the TLS stream, or the socket itself.
  template <class Fn>
  void with_stream(Fn&& fn);
  void read_exactly(char* data, std::size_t size, std::chrono::milliseconds timeout);
  codec::frame read_frame();  // views into in_

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::socket socket_;  // moved into tls_ when there is one
  options options_;
  std::unique_ptr<tls_stream> tls_;
  std::deque<message> pushes_;
  std::string request_text_;
  std::string out_;
  std::string in_;
};

}  // namespace asyncsvr::client
