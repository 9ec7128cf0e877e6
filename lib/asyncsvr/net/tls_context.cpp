#include "asyncsvr/net/tls_context.hpp"

#include <stdexcept>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace asyncsvr::net {

namespace {

std::string openssl_reason() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return text;
}

[[noreturn]] void fail(std::string_view setting, const std::filesystem::path& file,
                       std::string_view what) {
  throw std::runtime_error(std::string(setting) + ": " + std::string(what) + " " + file.string() +
                           ": " + openssl_reason());
}

std::shared_ptr<ssl_ctx_st> load(const server_config& config) {
  ERR_clear_error();
  std::shared_ptr<ssl_ctx_st> context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!context) throw std::runtime_error("TLS: cannot create a context: " + openssl_reason());
  SSL_CTX* ctx = context.get();
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // Renegotiation would let a peer make a read want to write mid-stream, and costs the server
  // handshakes on demand; a peer that closes without close_notify is a plain EOF, as on TCP.
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                               SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_COMPRESSION);
  // Idle connections hold no record buffers; a record that could not be sent whole is offered
  // again from the transport's own copy (see transport.hpp).
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(ctx, config.tls_certificate_file.c_str()) != 1) {
    fail("tls_certificate_file", config.tls_certificate_file, "cannot use");
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, config.tls_private_key_file.c_str(), SSL_FILETYPE_PEM) !=
      1) {
    fail("tls_private_key_file", config.tls_private_key_file, "cannot use");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    fail("tls_private_key_file", config.tls_private_key_file,
         "does not match tls_certificate_file:");
  }
  return context;
}

}  // namespace

tls_context::tls_context(const server_config& config) : current_(load(config)) {}

void tls_context::reload(const server_config& config) {
  auto next = load(config);
  std::lock_guard lock(mutex_);
  current_ = std::move(next);
}

ssl_st* tls_context::new_connection() const {
  std::shared_ptr<ssl_ctx_st> context;
  {
    std::lock_guard lock(mutex_);
    context = current_;
  }
  SSL* ssl = SSL_new(context.get());  // holds its own reference to the context
  if (!ssl) throw std::runtime_error("TLS: cannot create a connection: " + openssl_reason());
  return ssl;
}

}  // namespace asyncsvr::net
