// asyncsvr-cli: the command-line client. `asyncsvr-cli [options] COMMAND [ARGS]`; see
// help_text() for the commands and the exit codes.

#include <algorithm>
#include <array>
#include <exception>
#include <iostream>
#include <limits>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "asyncsvr/client/connection.hpp"
#include "asyncsvr/client/server_error.hpp"
#include "commands.hpp"
#include "options.hpp"
#include "password.hpp"

namespace {

using namespace asyncsvr::cli;

constexpr int exit_refused = 1;
constexpr int exit_usage = 2;
constexpr int exit_failure = 3;

constexpr std::size_t any_number = std::numeric_limits<std::size_t>::max();

struct command {
  std::string_view name;
  std::string_view arguments;  // for the message about a wrong number of them
  std::size_t min_args;
  std::size_t max_args;
  bool logs_in;
  void (*run)(const command_context&);
};

constexpr std::array<command, 11> commands{{
    {"upload", "LOCAL... [REMOTE_DIR]", 1, any_number, true, run_upload},
    {"download", "REMOTE [LOCAL]", 1, 2, true, run_download},
    {"ls", "[DIR]", 0, 1, true, run_ls},
    {"mkdir", "DIR", 1, 1, true, run_mkdir},
    {"rmdir", "DIR", 1, 1, true, run_rmdir},
    {"rm", "FILE...", 1, any_number, true, run_rm},
    {"cat", "FILE", 1, 1, true, run_cat},
    {"stat", "FILE", 1, 1, true, run_stat},
    {"clients", "", 0, 0, true, run_clients},
    {"ping", "[-c N]", 0, 0, false, run_ping},
    {"tail", "[-f]", 0, 0, true, run_tail},
}};

const command& find_command(const cli_options& o) {
  const auto found = std::find_if(commands.begin(), commands.end(),
                                  [&](const command& c) { return c.name == o.command; });
  if (found == commands.end()) throw usage_error("unknown command '" + o.command + "'");
  if (o.args.size() < found->min_args || o.args.size() > found->max_args) {
    throw usage_error("usage: asyncsvr-cli [options] " + o.command + " " +
                      std::string(found->arguments));
  }
  return *found;
}

// The connection takes an IP address; --host may also be a name.
std::string resolve(boost::asio::io_context& io, const std::string& host) {
  boost::asio::ip::tcp::resolver resolver(io);
  const auto results = resolver.resolve(host, "");
  return results.begin()->endpoint().address().to_string();
}

int run(int argc, const char* const argv[]) {
  auto o = parse_options(argc, argv);
  if (o.show_help || o.command.empty()) {
    std::cout << help_text();
    return o.show_help ? 0 : exit_usage;
  }
  const auto& cmd = find_command(o);
  boost::asio::io_context io;
  // The certificate names the host as the user wrote it, not the address it resolves to.
  if (o.account.options.tls && o.account.options.tls_server_name.empty()) {
    o.account.options.tls_server_name = o.account.host;
  }
  o.account.host = resolve(io, o.account.host);
  if (cmd.logs_in) o.account.password = read_password(o.account);
  try {
    cmd.run({o, io});
  } catch (const asyncsvr::client::error& e) {
    throw asyncsvr::client::error(o.account.host + ":" + std::to_string(o.account.port) + ": " +
                                  e.what());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const asyncsvr::client::server_error& e) {
    std::cerr << "asyncsvr-cli: " << e.what() << '\n';
    return exit_refused;
  } catch (const std::invalid_argument& e) {
    std::cerr << "asyncsvr-cli: " << e.what() << "\nTry 'asyncsvr-cli --help'.\n";
    return exit_usage;
  } catch (const std::exception& e) {
    std::cerr << "asyncsvr-cli: " << e.what() << '\n';
    return exit_failure;
  }
}
