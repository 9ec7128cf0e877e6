#pragma once
// A throw-away certificate authority and a server certificate it signed, valid for 127.0.0.1, as
// PEM files in a temporary directory: what a TLS test needs, made at test time (no openssl
// binary, nothing checked in that could expire).

#include <filesystem>
#include <string>

#include "temp_dir.hpp"

namespace asyncsvr::test {

class tls_files {
 public:
  // `name` tells CAs apart (a client trusting one must refuse a server signed by another).
  explicit tls_files(const std::string& name = "asyncsvr test CA");

  std::filesystem::path ca() const { return dir_.path / "ca.pem"; }
  std::filesystem::path certificate() const { return dir_.path / "server.pem"; }
  std::filesystem::path private_key() const { return dir_.path / "server.key"; }

 private:
  temp_dir dir_;
};

}  // namespace asyncsvr::test
