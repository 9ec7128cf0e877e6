#pragma once
// The command line of each mode. parse_*() print the mode's help and return nullopt for --help;
// they throw std::invalid_argument (or a program_options error) for a bad command line.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>

#include "asyncsvr/config/server_config.hpp"

namespace asyncsvr::bench {

// Settings every mode shares.
struct common_options {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9999;
  asyncsvr::byte_order byte_order = byte_order::little;
  unsigned threads = 1;
  std::optional<pid_t> server_pid;
  std::string user;  // empty = no Login
  std::string password;
  bool json = false;
};

struct throughput_options : common_options {
  std::size_t connections = 100;
  std::size_t payload = 16;
  std::size_t depth = 1;
  double duration = 10;
  double warmup = 2;
  bool raw = false;
  bool tls = false;         // to asyncsvr's tls_port
  std::string tls_ca_file;  // with tls: check the server's certificate against these CAs
  std::string sources;
};

struct capacity_options : common_options {
  std::size_t connections = 1000;
  double hold = 20;
  double heartbeat = 30;
  std::string sources;
  double connect_rate = 0;           // per second; 0 = as fast as max_connecting allows
  std::size_t max_connecting = 512;  // per generator process
  std::size_t processes = 1;         // generator processes sharing the connections and sources
  double settle = 3;
  double establish_timeout = 300;
};

struct accept_options : common_options {
  std::size_t concurrency = 8;
  double duration = 10;
  double warmup = 1;
  bool handshake_only = false;
  bool raw = false;
  std::string sources;
};

std::optional<throughput_options> parse_throughput(int argc, const char* const* argv);
std::optional<capacity_options> parse_capacity(int argc, const char* const* argv);
std::optional<accept_options> parse_accept(int argc, const char* const* argv);

// The top-level usage, listing the modes.
void print_usage();

}  // namespace asyncsvr::bench
