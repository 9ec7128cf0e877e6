#pragma once
// Where asyncsvr-cli gets the password of --user: ASYNCSVR_PASSWORD, else a prompt without echo
// on the terminal, else one line of standard input (for scripts that pipe it).

#include <string>

#include "asyncsvr/client/reconnecting_session.hpp"

namespace asyncsvr::cli {

// Throws usage_error when there is no way to get one (no variable, no terminal, empty input).
std::string read_password(const client::account& who);

}  // namespace asyncsvr::cli
