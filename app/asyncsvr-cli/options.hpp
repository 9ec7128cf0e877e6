#pragma once
// The command line of asyncsvr-cli: connection options, the command word, its arguments and
// the few options particular to one command.
//
// Thread-safety: pure functions of their arguments (and of ASYNCSVR_USER).

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "asyncsvr/client/reconnecting_session.hpp"

namespace asyncsvr::cli {

// A command line the program cannot act on; exit code 2.
class usage_error : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

struct cli_options {
  client::account account;  // without the password, which only commands that log in ask for
  std::string command;      // empty with --help or without arguments
  std::vector<std::string> args;
  bool recursive = false;                 // upload -r
  std::optional<std::string> remote_dir;  // upload -d
  unsigned count = 1;                     // ping -c
  bool follow = false;                    // tail -f
  bool show_help = false;
};

// Throws usage_error.
cli_options parse_options(int argc, const char* const argv[]);

// What --help prints: the two-line quick start, the commands, the options and the exit codes.
std::string help_text();

}  // namespace asyncsvr::cli
