#include "options.hpp"

#include <iostream>
#include <stdexcept>

#include <boost/program_options.hpp>

namespace asyncsvr::bench {

namespace po = boost::program_options;

namespace {

constexpr std::size_t max_payload = 4 * 1024 * 1024 - 256;  // a reply must fit the default M

// Options of every mode; the values land in `o` after notify().
po::options_description common_description(common_options& o, std::string& byte_order,
                                           long& server_pid) {
  po::options_description d("Common options");
  // clang-format off
  d.add_options()
    ("help,h", "show this help")
    ("host", po::value(&o.host)->default_value(o.host), "server address")
    ("port", po::value(&o.port)->default_value(o.port), "server port")
    ("byte-order", po::value(&byte_order)->default_value("little"),
     "frame length byte order: little or big (PROTOCOL.md §3.2)")
    ("threads", po::value(&o.threads)->default_value(o.threads),
     "generator I/O threads, each with its own io_context")
    ("user", po::value(&o.user), "log every connection in as this user")
    ("password", po::value(&o.password), "password for --user")
    ("server-pid", po::value(&server_pid),
     "read this process's CPU time (and RSS) from /proc around the measurement")
    ("json", po::bool_switch(&o.json), "print one JSON object instead of the human summary");
  // clang-format on
  return d;
}

// Parses argv (after the mode word) against `mode` + the common options. Returns false after
// printing help.
bool parse(int argc, const char* const* argv, const char* usage,
           const po::options_description& mode, common_options& o) {
  std::string byte_order;
  long server_pid = 0;
  po::options_description all;
  all.add(mode).add(common_description(o, byte_order, server_pid));
  po::variables_map vm;
  po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
  if (vm.count("help")) {
    std::cout << usage << "\n" << all << "\n";
    return false;
  }
  po::notify(vm);
  if (byte_order == "little") {
    o.byte_order = asyncsvr::byte_order::little;
  } else if (byte_order == "big") {
    o.byte_order = asyncsvr::byte_order::big;
  } else {
    throw std::invalid_argument("--byte-order must be little or big");
  }
  if (vm.count("server-pid")) {
    if (server_pid <= 0) throw std::invalid_argument("--server-pid must be a process id");
    o.server_pid = static_cast<pid_t>(server_pid);
  }
  if (!o.user.empty() && !vm.count("password"))
    throw std::invalid_argument("--user needs --password");
  if (o.threads == 0) throw std::invalid_argument("--threads must be at least 1");
  return true;
}

void require(bool condition, const char* message) {
  if (!condition) throw std::invalid_argument(message);
}

// --duration, --warmup and --raw: what the modes that measure a rate against either server share.
void add_run_options(po::options_description& d, double& duration, double& warmup, bool& raw) {
  // clang-format off
  d.add_options()
    ("duration", po::value(&duration)->default_value(duration), "measured seconds")
    ("warmup", po::value(&warmup)->default_value(warmup),
     "seconds of load before the measurement starts")
    ("raw", po::bool_switch(&raw),
     "talk to a plain echo server: no flag byte, the echoed request is the reply");
  // clang-format on
}

// Each (source address, destination) pair has its own ephemeral ports: spreading the connections
// over many loopback addresses lets one run open, and runs in a row reopen, more connections than
// one address has ports outside TIME_WAIT.
void add_sources_option(po::options_description& d, std::string& sources) {
  d.add_options()("sources", po::value(&sources),
                  "bind connections round-robin to these source addresses, e.g. "
                  "127.0.0.2-127.0.0.254");
}

void check_run_options(double duration, double warmup) {
  require(duration > 0, "--duration must be positive");
  require(warmup >= 0, "--warmup must not be negative");
}

}  // namespace

std::optional<throughput_options> parse_throughput(int argc, const char* const* argv) {
  throughput_options o;
  po::options_description d("Throughput options");
  // clang-format off
  d.add_options()
    ("connections", po::value(&o.connections)->default_value(o.connections), "connections")
    ("payload", po::value(&o.payload)->default_value(o.payload), "payload bytes per request")
    ("depth", po::value(&o.depth)->default_value(o.depth),
     "pipelined requests in flight per connection")
    ("tls", po::bool_switch(&o.tls), "speak TLS, to the server's tls_port")
    ("ca", po::value(&o.tls_ca_file)->value_name("FILE"),
     "with --tls: check the server's certificate against the CAs in this PEM file (default: "
     "not checked)");
  // clang-format on
  add_run_options(d, o.duration, o.warmup, o.raw);
  add_sources_option(d, o.sources);
  const char* usage =
      "Usage: asyncsvr-bench throughput [options]\n\n"
      "Each connection sends the Throughput flag (0x05), optionally logs in, then keeps --depth\n"
      "CyclePacket requests in flight, sending a new one for every reply. MB/s counts payload\n"
      "bytes in both directions (2 x payload per request) per second, 1 MB = 10^6 bytes.";
  if (!parse(argc, argv, usage, d, o)) return std::nullopt;
  require(o.connections >= 1, "--connections must be at least 1");
  require(o.depth >= 1, "--depth must be at least 1");
  require(o.payload <= max_payload, "--payload must leave room for the reply text within 4 MiB");
  check_run_options(o.duration, o.warmup);
  require(!(o.raw && !o.user.empty()), "--raw cannot log in");
  require(!(o.raw && o.tls), "--raw has no TLS: the echo baselines speak plain TCP");
  require(o.tls || o.tls_ca_file.empty(), "--ca needs --tls");
  return o;
}

std::optional<capacity_options> parse_capacity(int argc, const char* const* argv) {
  capacity_options o;
  o.connections = 1000;
  po::options_description d("Capacity options");
  // clang-format off
  d.add_options()
    ("connections", po::value(&o.connections)->default_value(o.connections),
     "Control connections to open and keep")
    ("hold", po::value(&o.hold)->default_value(o.hold),
     "seconds to keep them open once all are established")
    ("heartbeat", po::value(&o.heartbeat)->default_value(o.heartbeat),
     "seconds between two Active requests on one connection; spread over all connections")
    ("sources", po::value(&o.sources),
     "bind connections round-robin to these source addresses, e.g. 127.0.0.2-127.0.0.254")
    ("connect-rate", po::value(&o.connect_rate)->default_value(o.connect_rate),
     "new connections per second; 0 = unlimited")
    ("max-connecting", po::value(&o.max_connecting)->default_value(o.max_connecting),
     "connections connecting or logging in at once, per process")
    ("processes", po::value(&o.processes)->default_value(o.processes),
     "generator processes, each holding its share of the connections and of the --sources "
     "(a process may open only RLIMIT_NOFILE descriptors); the figures are merged")
    ("settle", po::value(&o.settle)->default_value(o.settle),
     "seconds between the last Login and the RSS / idle CPU measurement")
    ("establish-timeout", po::value(&o.establish_timeout)->default_value(o.establish_timeout),
     "give up waiting for the remaining connections after this many seconds");
  // clang-format on
  const char* usage =
      "Usage: asyncsvr-bench capacity --user U --password P [options]\n\n"
      "Opens Control (0x08) connections, logs each in, keeps them idle with spread-out Active\n"
      "heartbeats, and reports the heartbeat round trip and, with --server-pid, the server's RSS\n"
      "per connection and CPU while idle.";
  if (!parse(argc, argv, usage, d, o)) return std::nullopt;
  require(!o.user.empty(), "capacity needs --user and --password (Control requires Login)");
  require(o.connections >= 1, "--connections must be at least 1");
  require(o.hold >= 0 && o.settle >= 0, "--hold and --settle must not be negative");
  require(o.heartbeat > 0, "--heartbeat must be positive");
  require(o.connect_rate >= 0, "--connect-rate must not be negative");
  require(o.max_connecting >= 1, "--max-connecting must be at least 1");
  require(o.processes >= 1 && o.processes <= o.connections,
          "--processes must be between 1 and --connections");
  return o;
}

std::optional<accept_options> parse_accept(int argc, const char* const* argv) {
  accept_options o;
  po::options_description d("Accept options");
  // clang-format off
  d.add_options()
    ("concurrency", po::value(&o.concurrency)->default_value(o.concurrency),
     "connections being opened at once")
    ("handshake-only", po::bool_switch(&o.handshake_only),
     "send only the flag byte, then close (no CyclePacket)");
  // clang-format on
  add_run_options(d, o.duration, o.warmup, o.raw);
  add_sources_option(d, o.sources);
  const char* usage =
      "Usage: asyncsvr-bench accept [options]\n\n"
      "Each of --concurrency loops connects, sends the Throughput flag and one anonymous\n"
      "CyclePacket (or nothing more with --handshake-only), waits for the reply, closes and\n"
      "starts over. Reports connections per second.";
  if (!parse(argc, argv, usage, d, o)) return std::nullopt;
  require(o.concurrency >= 1, "--concurrency must be at least 1");
  check_run_options(o.duration, o.warmup);
  require(!(o.raw && o.handshake_only), "--raw and --handshake-only exclude each other");
  require(o.user.empty(), "accept sends anonymous CyclePackets; --user is not used");
  return o;
}

void print_usage() {
  std::cout << "Usage: asyncsvr-bench MODE [options]    (asyncsvr-bench MODE --help for details)\n"
               "\n"
               "Modes:\n"
               "  throughput  pipelined CyclePacket echo: requests/s, MB/s, latency, server CPU\n"
               "  capacity    many idle logged-in Control connections: RSS per connection,\n"
               "              idle CPU, heartbeat round trip\n"
               "  accept      connection churn: connections/s\n";
}

}  // namespace asyncsvr::bench
