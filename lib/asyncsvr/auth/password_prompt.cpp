#include "asyncsvr/auth/password_prompt.hpp"

#include <cerrno>
#include <iostream>
#include <system_error>
#include <termios.h>
#include <unistd.h>

namespace asyncsvr::auth {

namespace {

// Restores the terminal on every way out, exceptions included, so a failed prompt never leaves
// the operator's shell without echo.
class echo_off {
 public:
  echo_off() {
    if (::tcgetattr(STDIN_FILENO, &saved_) != 0) {
      throw std::system_error(errno, std::generic_category(), "cannot read terminal settings");
    }
    termios silent = saved_;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    if (::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent) != 0) {
      throw std::system_error(errno, std::generic_category(), "cannot turn terminal echo off");
    }
  }
  echo_off(const echo_off&) = delete;
  echo_off& operator=(const echo_off&) = delete;
  ~echo_off() { ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_); }

 private:
  termios saved_{};
};

}  // namespace

std::string read_line(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (line.ends_with('\r')) line.pop_back();
  return line;
}

std::string prompt_without_echo(const char* prompt) {
  std::cerr << prompt << std::flush;
  const echo_off guard;
  auto password = read_line(std::cin);
  // The operator's Enter was not echoed either.
  std::cerr << '\n';
  return password;
}

}  // namespace asyncsvr::auth
