#include "password.hpp"

#include <cstdlib>
#include <iostream>
#include <unistd.h>

#include "asyncsvr/auth/password_prompt.hpp"
#include "options.hpp"

namespace asyncsvr::cli {

std::string read_password(const client::account& who) {
  if (const char* password = std::getenv("ASYNCSVR_PASSWORD")) return password;
  if (::isatty(STDIN_FILENO) != 0) {
    const auto prompt = "Password for " + who.user + "@" + who.host + ": ";
    return auth::prompt_without_echo(prompt.c_str());
  }
  auto password = auth::read_line(std::cin);
  if (std::cin.fail()) {
    throw usage_error(
        "no password: set ASYNCSVR_PASSWORD, run on a terminal, or pipe it on standard input");
  }
  return password;
}

}  // namespace asyncsvr::cli
