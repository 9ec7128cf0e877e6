#pragma once
// Directory and file management on an Upload-protocol connection (flag 2, PROTOCOL.md
// §10.2–§10.6). Each throws server_error when the server refuses and client::error when the
// connection fails.
//
// Thread-safety: none; uses the caller's connection.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asyncsvr/client/connection.hpp"
#include "asyncsvr/client/remote_path.hpp"

namespace asyncsvr::client {

struct remote_file {
  std::string name;
  std::uint64_t size = 0;
};

struct remote_listing {
  std::vector<std::string> dirs;   // sorted by the server
  std::vector<remote_file> files;  // sorted by the server
  bool truncated = false;          // the server cut a list to fit its frame limit
};

// Dir and FileList of `dir` ("" = the root).
remote_listing list_dir(connection& c, std::string_view dir);

// CreateDir; an existing directory is success (§10.3).
void create_dir(connection& c, const remote_path& dir);

// DeleteDir; the directory must be empty unless the server deletes recursively (§10.4).
void delete_dir(connection& c, const remote_path& dir);

// One DeleteFile for `names` inside `dir`: all are checked before any is deleted (§10.6).
void delete_files(connection& c, std::string_view dir, std::span<const std::string> names);

}  // namespace asyncsvr::client
