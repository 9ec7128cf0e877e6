#include "asyncsvr/net/transport.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include <boost/asio/ssl/error.hpp>
#include <openssl/err.h>
#include <openssl/ssl.h>

namespace asyncsvr::net {

namespace {

// The largest plaintext of one TLS record: what one write hands to OpenSSL.
constexpr std::size_t record_size = 16 * 1024;

// Turns a failed OpenSSL call into an error code, noting which readiness a retry needs.
void fail(SSL* ssl, int result, transport::wait_type& wait, boost::system::error_code& ec) {
  switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ:
      wait = boost::asio::socket_base::wait_read;
      ec = boost::asio::error::would_block;
      return;
    case SSL_ERROR_WANT_WRITE:
      wait = boost::asio::socket_base::wait_write;
      ec = boost::asio::error::would_block;
      return;
    case SSL_ERROR_ZERO_RETURN:  // close_notify, or (IGNORE_UNEXPECTED_EOF) a bare TCP close
      ec = boost::asio::error::eof;
      return;
    case SSL_ERROR_SYSCALL:
      if (errno != 0) {
        ec = boost::system::error_code(errno, boost::system::system_category());
        return;
      }
      ec = boost::asio::error::eof;
      return;
    default: {
      const unsigned long code = ERR_get_error();
      ec = code != 0 ? boost::system::error_code(static_cast<int>(code),
                                                 boost::asio::error::get_ssl_category())
                     : boost::system::error_code(boost::asio::ssl::error::stream_truncated);
      return;
    }
  }
}

// Before each OpenSSL call: SSL_get_error() reads the thread's error queue, and SSL_ERROR_SYSCALL
// means errno, so neither may hold something from an earlier call.
void clear_errors() noexcept {
  ERR_clear_error();
  errno = 0;
}

}  // namespace

struct transport::tls_state {
  explicit tls_state(SSL* connection) noexcept : ssl(connection) {}
  ~tls_state() { SSL_free(ssl); }
  tls_state(const tls_state&) = delete;
  tls_state& operator=(const tls_state&) = delete;

  SSL* ssl;
  bool established = false;
  wait_type handshake_wait = boost::asio::socket_base::wait_read;
  wait_type read_wait = boost::asio::socket_base::wait_read;
  wait_type write_wait = boost::asio::socket_base::wait_write;
  // A record OpenSSL has encrypted but not yet sent in full; it must be offered again, byte for
  // byte. Held only while that is so, which is rare: a socket with room sends a record at once.
  std::unique_ptr<char[]> retry;
  std::size_t retry_size = 0;
};

transport::transport(tcp_socket socket) noexcept : socket_(std::move(socket)) {}

transport::transport(tcp_socket socket, SSL* ssl)
    : socket_(std::move(socket)), tls_(std::make_unique<tls_state>(ssl)) {
  if (SSL_set_fd(ssl, static_cast<int>(socket_.native_handle())) != 1) {
    throw boost::system::system_error(boost::asio::ssl::error::stream_truncated, "SSL_set_fd");
  }
  SSL_set_accept_state(ssl);
}

transport::transport(transport&&) noexcept = default;
transport& transport::operator=(transport&&) noexcept = default;
transport::~transport() = default;

void transport::set_non_blocking(boost::system::error_code& ec) {
  socket_.non_blocking(true, ec);
}

bool transport::handshake(boost::system::error_code& ec) {
  ec.clear();
  if (!tls_ || tls_->established) return true;
  clear_errors();
  const int result = SSL_do_handshake(tls_->ssl);
  if (result == 1) {
    tls_->established = true;
    return true;
  }
  fail(tls_->ssl, result, tls_->handshake_wait, ec);
  return false;
}

transport::wait_type transport::handshake_wait() const noexcept {
  return tls_ ? tls_->handshake_wait : boost::asio::socket_base::wait_read;
}

std::size_t transport::tls_read_some(boost::asio::mutable_buffer buffer,
                                     boost::system::error_code& ec) {
  ec.clear();
  clear_errors();
  std::size_t read = 0;
  const int result = SSL_read_ex(tls_->ssl, buffer.data(), buffer.size(), &read);
  if (result == 1) return read;
  fail(tls_->ssl, result, tls_->read_wait, ec);
  return 0;
}

std::size_t transport::tls_write_some(std::span<const boost::asio::const_buffer> pieces,
                                      boost::system::error_code& ec) {
  ec.clear();
  auto& tls = *tls_;
  const char* data = nullptr;
  std::size_t size = 0;
  // Small frames go out together in one record; a large piece is encrypted where it lies.
  thread_local std::array<char, record_size> staging;
  if (tls.retry_size > 0) {
    data = tls.retry.get();
    size = tls.retry_size;
  } else if (!pieces.empty() && pieces.front().size() >= record_size) {
    data = static_cast<const char*>(pieces.front().data());
    size = record_size;
  } else {
    for (const auto& piece : pieces) {
      const std::size_t n = std::min(piece.size(), record_size - size);
      std::memcpy(staging.data() + size, piece.data(), n);
      size += n;
      if (size == record_size) break;
    }
    data = staging.data();
  }
  if (size == 0) return 0;
  clear_errors();
  std::size_t written = 0;
  const int result = SSL_write_ex(tls.ssl, data, size, &written);
  if (result == 1) {
    tls.retry.reset();
    tls.retry_size = 0;
    return written;
  }
  fail(tls.ssl, result, tls.write_wait, ec);
  if (ec == boost::asio::error::would_block && tls.retry_size == 0) {
    tls.retry = std::make_unique<char[]>(size);
    std::memcpy(tls.retry.get(), data, size);
    tls.retry_size = size;
  }
  return 0;
}

transport::wait_type transport::tls_read_wait() const noexcept {
  return tls_->read_wait;
}

transport::wait_type transport::tls_write_wait() const noexcept {
  return tls_->write_wait;
}

bool transport::tls_buffered_input() const noexcept {
  // Decrypted bytes only: OpenSSL reads no further than the record it decrypts (no read-ahead),
  // so a whole record still waits in the socket, and the part of one that OpenSSL buffered
  // (SSL_has_pending would count it) cannot be read before the rest arrives.
  return SSL_pending(tls_->ssl) > 0;
}

void transport::close() noexcept {
  if (tls_ && tls_->established) {
    clear_errors();
    SSL_shutdown(tls_->ssl);  // one non-blocking attempt; the peer may already be gone
  }
  boost::system::error_code ignored;  // the connection is going away; its errors change nothing
  socket_.shutdown(boost::asio::socket_base::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace asyncsvr::net
