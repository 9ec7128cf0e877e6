#pragma once
// The logic behind `asyncsvr user add`: append one account to a users file.
//
// Thread-safety: safe to call from any thread; concurrent calls on the same file (from this or
// another process) are serialised by an advisory lock on it.

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "asyncsvr/auth/user_store.hpp"

namespace asyncsvr::auth {

// Supplies the new account's clear password.
using password_reader = std::function<std::string()>;

// Appends `name` to `file`, creating it with mode 0600 when missing, and adding a line break
// first if the file does not end with one. `read_password` is called only once the name, the
// iteration count and the file have been checked, so nobody is asked to type a password for a
// request that is going to be refused.
//
// Throws std::invalid_argument when the request is refused (invalid name, name already present,
// empty password, iteration count out of range), users_file_error when the existing file is
// malformed, std::system_error when the file cannot be read or written.
void add_user(const std::filesystem::path& file, std::string_view name, role r,
              const password_reader& read_password, unsigned iterations = default_iterations);

}  // namespace asyncsvr::auth
