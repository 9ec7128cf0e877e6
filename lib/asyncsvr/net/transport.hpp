#pragma once
// The byte stream under a connection: a TCP socket, optionally with TLS on it (PROTOCOL.md §6.5).
//
// Sessions do readiness-based, non-blocking I/O: they wait until the socket is readable or
// writable, then read or write what they can at once. TLS fits that model when OpenSSL works on
// the socket's descriptor directly: a call that cannot finish says which readiness it needs
// (a TLS read may have to write, and the other way round), and the session waits for that. Two
// things differ from plain TCP, and this class hides both:
//  - OpenSSL may hold received bytes the socket no longer shows (buffered_input());
//  - a TLS write that would block has already encrypted its record, and must be retried with the
//    same bytes. write_some() therefore copies what it offers to OpenSSL into its own staging
//    area; the caller, which re-offers unwritten bytes from the head of its queue anyway, learns
//    that they were written only when the record has left.
//
// Thread-safety: none; used on one strand.

#include <cstddef>
#include <memory>
#include <span>

#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include "asyncsvr/net/io_types.hpp"

struct ssl_st;

namespace asyncsvr::net {

class transport {
 public:
  using wait_type = boost::asio::socket_base::wait_type;

  explicit transport(tcp_socket socket) noexcept;
  // TLS, server side: `ssl` is a fresh connection object that this transport owns from now on.
  transport(tcp_socket socket, ssl_st* ssl);
  transport(transport&&) noexcept;
  transport& operator=(transport&&) noexcept;
  ~transport();

  bool secure() const noexcept { return tls_ != nullptr; }

  // Makes reads and writes non-blocking. TLS: true once its handshake is complete; until then
  // each call advances it and gives would_block while it waits for handshake_wait().
  void set_non_blocking(boost::system::error_code& ec);
  bool handshake(boost::system::error_code& ec);
  wait_type handshake_wait() const noexcept;

  // Non-blocking. would_block: nothing moved; retry after read_wait() / write_wait(). Plain TCP
  // stays inline: these run for every request.
  std::size_t read_some(boost::asio::mutable_buffer buffer, boost::system::error_code& ec) {
    return tls_ ? tls_read_some(buffer, ec) : socket_.read_some(buffer, ec);
  }
  std::size_t write_some(std::span<const boost::asio::const_buffer> pieces,
                         boost::system::error_code& ec) {
    if (tls_) return tls_write_some(pieces, ec);
    // One piece (the usual small reply) goes out with send(2), which the kernel serves with less
    // work than sendmsg(2) and its message header and vector to copy in.
    if (pieces.size() == 1) return socket_.write_some(pieces.front(), ec);
    return socket_.write_some(pieces, ec);
  }
  wait_type read_wait() const noexcept {
    return tls_ ? tls_read_wait() : boost::asio::socket_base::wait_read;
  }
  wait_type write_wait() const noexcept {
    return tls_ ? tls_write_wait() : boost::asio::socket_base::wait_write;
  }
  // Received bytes held in user space (TLS), which no readiness event will announce.
  bool buffered_input() const noexcept { return tls_ && tls_buffered_input(); }

  // Ends the connection: a TLS close_notify if it can go out at once, then shutdown and close.
  void close() noexcept;

  tcp_socket& socket() noexcept { return socket_; }

 private:
  struct tls_state;

  std::size_t tls_read_some(boost::asio::mutable_buffer buffer, boost::system::error_code& ec);
  std::size_t tls_write_some(std::span<const boost::asio::const_buffer> pieces,
                             boost::system::error_code& ec);
  wait_type tls_read_wait() const noexcept;
  wait_type tls_write_wait() const noexcept;
  bool tls_buffered_input() const noexcept;

  tcp_socket socket_;
  std::unique_ptr<tls_state> tls_;
};

}  // namespace asyncsvr::net
