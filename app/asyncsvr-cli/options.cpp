#include "options.hpp"

#include <cstdlib>
#include <limits>
#include <sstream>

#include <boost/program_options.hpp>

#include "asyncsvr/config/units.hpp"

namespace asyncsvr::cli {

namespace {

namespace po = boost::program_options;

constexpr std::uint64_t min_packet_size = 4 * kib;  // room for any request text we send
constexpr std::uint64_t max_packet_size = std::numeric_limits<std::uint32_t>::max();

constexpr std::string_view usage = R"(Usage: asyncsvr-cli [options] COMMAND [ARGS]

  asyncsvr-cli --user alice upload report.pdf inbox      # into the remote directory inbox
  asyncsvr-cli --user alice download inbox/report.pdf    # into ./report.pdf

Commands:
  upload LOCAL... [REMOTE_DIR]  Upload files into REMOTE_DIR (default: the root). With two or
                                more arguments the last is REMOTE_DIR unless it exists
                                locally; -d REMOTE_DIR names it explicitly and makes every
                                argument a LOCAL. A LOCAL with * ? [ is expanded as a glob;
                                -r uploads directories with their contents. An interrupted
                                upload resumes where the server's copy ends, also on a rerun.
  download REMOTE [LOCAL]       Download a file to LOCAL (default: its name; into LOCAL when
                                that is a directory) through LOCAL.part, which a rerun resumes.
  ls [DIR]                      List a directory: subdirectories end in '/', files show sizes.
  mkdir DIR                     Create a directory (its parent must exist).
  rmdir DIR                     Delete an empty directory.
  rm FILE...                    Delete files.
  cat FILE                      Write a file to standard output.
  stat FILE                     Show a file's size.
  clients                       List the server's sessions (administrators).
  ping                          Time Active round trips (-c N of them); needs no password.
  tail [-f]                     Print the server's recent log lines (administrators); -f keeps
                                following until interrupted. Lost lines are reported on stderr.

Remote paths are relative to the server's file root and use '/' between directories.
The password is read from ASYNCSVR_PASSWORD, else asked for on the terminal, else read as one
line from standard input. Transfers reconnect after a connection failure (5 tries in a row).

Exit codes: 0 done; 1 the server refused (its result code name and message are printed);
2 bad command line or local argument; 3 connection, protocol or local I/O failure.
)";

std::string default_user() {
  const char* user = std::getenv("ASYNCSVR_USER");
  return user && *user ? user : "admin";
}

struct raw_options {
  std::string byte_order = "little";
  std::string timeout = "30s";
  std::string max_packet_size = "4M";
  std::string count = "1";
};

po::options_description visible_options(cli_options& o, raw_options& raw) {
  po::options_description connection("Connection options");
  // clang-format off
  connection.add_options()
    ("help,h", "show this help")
    ("host", po::value(&o.account.host)->default_value(o.account.host),
     "server address, or a name (its first address is used)")
    ("port", po::value(&o.account.port)->default_value(o.account.port), "server port")
    ("tls", po::bool_switch(&o.account.options.tls),
     "connect with TLS (to the server's tls_port) and check its certificate")
    ("ca", po::value(&o.account.options.tls_ca_file)->value_name("FILE"),
     "with --tls: trust the CAs in this PEM file (default: the system's)")
    ("user", po::value(&o.account.user)->default_value(o.account.user),
     "account name (default: $ASYNCSVR_USER, else admin)")
    ("timeout", po::value(&raw.timeout)->default_value(raw.timeout),
     "deadline of each network operation: ms, s, m")
    ("byte-order", po::value(&raw.byte_order)->default_value(raw.byte_order),
     "frame length byte order, little or big; must match the server's")
    ("max-packet-size", po::value(&raw.max_packet_size)->default_value(raw.max_packet_size),
     "largest frame either way (K, M, G); must not exceed the server's");
  po::options_description command("Command options");
  command.add_options()
    ("recursive,r", po::bool_switch(&o.recursive), "upload: directories with their contents")
    ("dir,d", po::value<std::string>(), "upload: the remote directory to upload into")
    ("count,c", po::value(&raw.count)->default_value(raw.count), "ping: round trips to time")
    ("follow,f", po::bool_switch(&o.follow), "tail: keep printing new lines");
  // clang-format on
  po::options_description all;
  all.add(connection).add(command);
  return all;
}

void require(bool condition, const std::string& message) {
  if (!condition) throw usage_error(message);
}

void apply_units(const raw_options& raw, client::options& settings) {
  if (raw.byte_order == "little") {
    settings.byte_order = byte_order::little;
  } else if (raw.byte_order == "big") {
    settings.byte_order = byte_order::big;
  } else {
    throw usage_error("--byte-order must be little or big, not '" + raw.byte_order + "'");
  }
  const auto timeout = units::parse_duration(raw.timeout);
  require(static_cast<bool>(timeout), "--timeout: " + timeout.error());
  require((*timeout).count() > 0, "--timeout must be positive");
  settings.timeout = *timeout;
  const auto size = units::parse_size(raw.max_packet_size);
  require(static_cast<bool>(size), "--max-packet-size: " + size.error());
  require(*size >= min_packet_size && *size <= max_packet_size,
          "--max-packet-size must be from 4K to 4G - 1");
  settings.max_packet_size = *size;
}

unsigned parse_count(const std::string& text) {
  const auto count = units::parse_count(text);
  require(static_cast<bool>(count), "-c: " + count.error());
  require(*count >= 1 && *count <= std::numeric_limits<unsigned>::max(),
          "-c must be from 1 to " + std::to_string(std::numeric_limits<unsigned>::max()));
  return static_cast<unsigned>(*count);
}

// Options that belong to one command are refused elsewhere rather than silently ignored.
void check_command_options(const cli_options& o, const po::variables_map& vm) {
  require(o.command == "upload" || (!o.recursive && !o.remote_dir), "-r and -d belong to upload");
  require(o.command == "ping" || vm["count"].defaulted(), "-c belongs to ping");
  require(o.command == "tail" || !o.follow, "-f belongs to tail");
}

}  // namespace

cli_options parse_options(int argc, const char* const argv[]) {
  cli_options o;
  o.account.user = default_user();
  raw_options raw;
  auto all = visible_options(o, raw);
  all.add_options()                       //
      ("command", po::value(&o.command))  //
      ("args", po::value(&o.args)->composing());
  po::positional_options_description positional;
  positional.add("command", 1).add("args", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw usage_error(e.what());
  }
  o.show_help = vm.count("help") > 0;
  if (o.show_help || o.command.empty()) return o;
  if (vm.count("dir")) o.remote_dir = vm["dir"].as<std::string>();
  apply_units(raw, o.account.options);
  o.count = parse_count(raw.count);
  check_command_options(o, vm);
  return o;
}

std::string help_text() {
  cli_options o;
  o.account.user = default_user();
  raw_options raw;
  std::ostringstream out;
  out << usage << '\n' << visible_options(o, raw);
  return out.str();
}

}  // namespace asyncsvr::cli
