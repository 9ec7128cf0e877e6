#pragma once
// `asyncsvr user ...`: account administration from the command line.
//
//   asyncsvr user add NAME --role admin|user [--users-file FILE] [--iterations N]
//
// Exit codes: 0 done, 1 the users file could not be read, parsed or written, 2 the request was
// refused (bad arguments, invalid or existing name, empty or mismatched password).

#include <functional>
#include <iosfwd>
#include <string>

namespace asyncsvr::app {

// The command's contact with the outside world, replaceable so tests can run it without a
// terminal.
struct user_command_io {
  // Returns the new password; throws std::invalid_argument when it cannot be obtained properly
  // (e.g. the two entries differ).
  std::function<std::string()> read_password;
  std::ostream& out;
  std::ostream& err;
};

// argv[0] is "user".
int run_user_command(int argc, const char* const argv[], const user_command_io& io);

// Reads the password from standard input: one line when it is not a terminal, otherwise two
// prompts without echo that must agree.
int run_user_command(int argc, char** argv);

}  // namespace asyncsvr::app
