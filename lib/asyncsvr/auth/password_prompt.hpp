#pragma once
// Reading a password from the operator: shared by `asyncsvr user add` and asyncsvr-cli, so that
// both treat the terminal the same way and always restore its echo.
//
// Thread-safety: these use the process's standard input and terminal; call from one thread.

#include <iosfwd>
#include <string>

namespace asyncsvr::auth {

// One line from `in` without its line ending (LF or CR LF). With nothing left to read it returns
// an empty string and sets `in`'s failbit, which tells "no input" from an empty line.
std::string read_line(std::istream& in);

// Writes `prompt` to stderr and reads one line from stdin with the terminal's echo turned off.
// Standard input must be a terminal. Throws std::system_error when the terminal settings cannot
// be read or changed.
std::string prompt_without_echo(const char* prompt);

}  // namespace asyncsvr::auth
