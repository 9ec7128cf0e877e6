#pragma once
// The TLS port's settings (PROTOCOL.md §6.5): TLS 1.2 or later, no renegotiation, the certificate
// chain and key from the configuration. reload() swaps in newly read files for the connections
// that follow (a renewed certificate needs no restart); connections already open keep theirs.
//
// Thread-safety: every member function may be called from any thread.

#include <memory>
#include <mutex>

#include "asyncsvr/config/server_config.hpp"

struct ssl_st;
struct ssl_ctx_st;

namespace asyncsvr::net {

class tls_context {
 public:
  // Throws std::runtime_error naming the setting whose file could not be used.
  explicit tls_context(const server_config& config);

  void reload(const server_config& config);
  // A connection object for one accepted socket, owned by the caller (SSL_free).
  ssl_st* new_connection() const;

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<ssl_ctx_st> current_;
};

}  // namespace asyncsvr::net
