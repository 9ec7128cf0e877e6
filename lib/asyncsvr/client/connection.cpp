#include "asyncsvr/client/connection.hpp"

#include <array>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "asyncsvr/auth/password_hash.hpp"
#include "asyncsvr/codec/command_text.hpp"

namespace asyncsvr::client {

using tcp = boost::asio::ip::tcp;

namespace {

// A completion condition for whole transfers. Asio's transfer_all moves at most 64 KiB per
// system call; a 1 MiB Download chunk would then take sixteen reads, each followed by a wait.
struct all_at_once {
  std::size_t total;
  std::size_t operator()(const boost::system::error_code& ec, std::size_t done) const noexcept {
    return ec ? 0 : total - done;
  }
};

}  // namespace

struct connection::tls_stream {
  tls_stream(tcp::socket socket, const options& opts, const std::string& server_name)
      : context(boost::asio::ssl::context::tls_client),
        stream(std::move(socket), prepare(opts, server_name)) {
    // SNI, for a server behind a TLS proxy that serves several names; never for an address.
    boost::system::error_code not_an_address;
    boost::asio::ip::make_address(server_name, not_an_address);
    if (not_an_address) {  // SSL_set_tlsext_host_name, whose macro casts the C way
      SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(server_name.c_str()));
    }
  }

  boost::asio::ssl::context& prepare(const options& opts, const std::string& server_name) {
    context.set_options(boost::asio::ssl::context::no_tlsv1 |
                        boost::asio::ssl::context::no_tlsv1_1);
    if (opts.tls_ca_file.empty()) {
      context.set_default_verify_paths();
    } else {
      context.load_verify_file(opts.tls_ca_file);
    }
    context.set_verify_mode(boost::asio::ssl::verify_peer);
    context.set_verify_callback(boost::asio::ssl::host_name_verification(server_name));
    return context;
  }

  boost::asio::ssl::context context;
  boost::asio::ssl::stream<tcp::socket> stream;
};

connection::connection(boost::asio::io_context& io, const std::string& host, std::uint16_t port,
                       std::uint8_t flag, options opts)
    : io_(io), socket_(io), options_(std::move(opts)) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(host, ec);
  if (ec) throw error("not an IP address: " + host);
  const tcp::endpoint endpoint(address, port);
  socket_.open(endpoint.protocol());
  if (!options_.bind_address.empty()) {
    socket_.bind(tcp::endpoint(boost::asio::ip::make_address(options_.bind_address), 0));
  }
  run([&](auto done) { socket_.async_connect(endpoint, done); }, options_.timeout);
  socket_.set_option(tcp::no_delay(true));
  if (options_.tls) {
    try {
      tls_ = std::make_unique<tls_stream>(
          std::move(socket_), options_,
          options_.tls_server_name.empty() ? host : options_.tls_server_name);
    } catch (const boost::system::system_error& e) {
      throw error("TLS CA file " + options_.tls_ca_file + ": " + e.code().message());
    }
    run(
        [&](auto done) {
          tls_->stream.async_handshake(boost::asio::ssl::stream_base::client, done);
        },
        options_.timeout);
  }
  const char f = static_cast<char>(flag);
  send_raw({&f, 1});
}

connection::~connection() = default;
connection::connection(connection&&) noexcept = default;

tcp::socket& connection::socket() noexcept {
  return tls_ ? tls_->stream.next_layer() : socket_;
}

template <class Fn>
void connection::with_stream(Fn&& fn) {
  if (tls_) {
    fn(tls_->stream);
  } else {
    fn(socket_);
  }
}

template <class Start>
void connection::run(Start&& start, std::chrono::milliseconds timeout) {
  boost::system::error_code result = boost::asio::error::would_block;
  start([&](const boost::system::error_code& ec, auto&&...) { result = ec; });
  io_.restart();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (result == boost::asio::error::would_block) {
    if (io_.run_one_until(deadline) == 0 && result == boost::asio::error::would_block) {
      socket().cancel();
      io_.restart();
      while (result == boost::asio::error::would_block)
        io_.run_one();
      throw timeout_error("timed out after " + std::to_string(timeout.count()) + " ms");
    }
  }
  if (result == boost::asio::error::eof) throw error("the server closed the connection");
  if (result) throw error(result.message());
}

void connection::send_raw(std::span<const char> bytes) {
  run(
      [&](auto done) {
        with_stream([&](auto& stream) {
          boost::asio::async_write(stream, boost::asio::buffer(bytes.data(), bytes.size()), done);
        });
      },
      options_.timeout);
}

void connection::send(std::string_view command, key_list keys, std::span<const char> payload) {
  send(command, key_span(keys.begin(), keys.size()), payload);
}

void connection::send(std::string_view command, key_span keys, std::span<const char> payload) {
  auto builder = codec::begin_request(request_text_, command);
  for (const auto& [key, value] : keys)
    builder.add(key, value);
  out_.resize(codec::frame_header_size);
  codec::write_frame_header(out_.data(), request_text_.size(), payload.size(), options_.byte_order);
  out_ += request_text_;
  // One gather write: a bulk payload (Upload Data) goes out without being copied into out_.
  const std::array<boost::asio::const_buffer, 2> buffers{
      boost::asio::buffer(out_), boost::asio::buffer(payload.data(), payload.size())};
  run(
      [&](auto done) {
        with_stream([&](auto& stream) {
          boost::asio::async_write(stream, buffers, all_at_once{boost::asio::buffer_size(buffers)},
                                   done);
        });
      },
      options_.timeout);
}

void connection::read_exactly(char* data, std::size_t size, std::chrono::milliseconds timeout) {
  run(
      [&](auto done) {
        with_stream([&](auto& stream) {
          boost::asio::async_read(stream, boost::asio::buffer(data, size), all_at_once{size}, done);
        });
      },
      timeout);
}

codec::frame connection::read_frame() {
  char header[codec::frame_header_size];
  read_exactly(header, sizeof header, options_.timeout);
  const auto packet_length = codec::load_u32(header, options_.byte_order);
  const auto command_length = codec::load_u32(header + 4, options_.byte_order);
  if (packet_length < 4 || packet_length > options_.max_packet_size ||
      command_length > packet_length - 4) {
    throw error("server sent a frame with invalid lengths");
  }
  in_.resize(packet_length - 4);
  read_exactly(in_.data(), in_.size(), options_.timeout);
  const std::string_view body(in_);
  const auto payload = body.substr(command_length);
  return {body.substr(0, command_length), {payload.data(), payload.size()}};
}

message connection::receive() {
  const auto frame = read_frame();
  return parse_message(frame.text, {frame.payload.data(), frame.payload.size()});
}

message connection::receive_in_place(std::string_view& payload) {
  const auto frame = read_frame();
  payload = {frame.payload.data(), frame.payload.size()};
  return parse_message(frame.text, {});
}

bool connection::input_pending() {
  boost::system::error_code ec;
  const auto bytes = socket().available(ec);
  // A failed socket counts as pending: the caller's next receive reports the failure.
  return ec || bytes > 0 || (tls_ && SSL_pending(tls_->stream.native_handle()) > 0);
}

message connection::call(std::string_view command, key_list keys, std::span<const char> payload) {
  return call(command, key_span(keys.begin(), keys.size()), payload);
}

message connection::call(std::string_view command, key_span keys, std::span<const char> payload) {
  send(command, keys, payload);
  for (;;) {
    auto m = receive();
    if (codec::iequals(m.command, command) || m.command == "Disconnect" ||
        m.result() == codec::result_code::packet_length_error) {
      return m;
    }
    pushes_.push_back(std::move(m));
  }
}

message connection::login(std::string_view user, std::string_view password,
                          std::string_view capabilities) {
  const auto digest = auth::md5_hex(password);
  if (capabilities.empty()) {
    return call("Login", {{"UserName", user}, {"Password", digest}});
  }
  return call("Login", {{"UserName", user}, {"Password", digest}, {"Capabilities", capabilities}});
}

bool connection::closed_by_server(std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  char sink[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0)) return false;
    try {
      run(
          [&](auto done) {
            with_stream(
                [&](auto& stream) { stream.async_read_some(boost::asio::buffer(sink), done); });
          },
          left);
    } catch (const timeout_error&) {
      return false;
    } catch (const error&) {
      return true;  // EOF or reset
    }
  }
}

void connection::reset() {
  socket().set_option(boost::asio::socket_base::linger(true, 0));
  close();
}

void connection::close() {
  boost::system::error_code ignored;  // closing a socket the server may have closed already
  socket().close(ignored);
}

}  // namespace asyncsvr::client
