#include "tls_files.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace asyncsvr::test {

namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("making test certificates: ") + what);
}

key_ptr make_key() {
  key_ptr key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(key != nullptr, "EVP_EC_gen");
  return key;
}

void add_extension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(extension != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// Valid from an hour ago (clock skew) for a day; signed by `issuer_key`, or self-signed.
cert_ptr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer,
                          EVP_PKEY* issuer_key, long serial) {
  cert_ptr cert(X509_new(), X509_free);
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (issuer) {
    add_extension(cert.get(), signer, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  } else {
    add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  }
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

std::unique_ptr<FILE, decltype(&std::fclose)> open_for_writing(const std::filesystem::path& path) {
  std::unique_ptr<FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "w"), std::fclose);
  check(file != nullptr, "fopen");
  return file;
}

}  // namespace

tls_files::tls_files(const std::string& name) {
  const auto ca_key = make_key();
  const auto ca_cert = make_certificate(ca_key.get(), name, nullptr, nullptr, 1);
  const auto server_key = make_key();
  const auto server_cert =
      make_certificate(server_key.get(), "localhost", ca_cert.get(), ca_key.get(), 2);
  check(PEM_write_X509(open_for_writing(ca()).get(), ca_cert.get()) == 1, "writing the CA");
  {
    const auto chain = open_for_writing(certificate());
    check(PEM_write_X509(chain.get(), server_cert.get()) == 1 &&
              PEM_write_X509(chain.get(), ca_cert.get()) == 1,
          "writing the chain");
  }
  check(PEM_write_PrivateKey(open_for_writing(private_key()).get(), server_key.get(), nullptr,
                             nullptr, 0, nullptr, nullptr) == 1,
        "writing the key");
}

}  // namespace asyncsvr::test
